import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE, DEDICATED_CONNECTION } from '@tag-history/database';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from './clock';
import type { Infrastructure } from './open-infrastructure';

/** Makes the database, the event store and the clock injectable everywhere. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infrastructure: Infrastructure, clock: Clock): DynamicModule {
    const providers = [
      { provide: DATABASE, useValue: infrastructure.db },
      { provide: DEDICATED_CONNECTION, useValue: infrastructure.dedicated },
      { provide: EventStore, useValue: infrastructure.eventStore },
      { provide: CLOCK, useValue: clock },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}
