import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE, DEDICATED_CONNECTION, READ_DATABASE, READ_DEDICATED_CONNECTION } from '@tag-history/database';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from './clock';
import { CommitPublisher } from './commit-publisher';
import { LogPartitionKeeper } from './log-partition-keeper';
import type { Infrastructure } from './open-infrastructure';
import { SIGNING_KEY } from './signing-key';

/** Makes the database, the event store, the clock and the signing key injectable everywhere; publishes commits on the EventBus. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infrastructure: Infrastructure, clock: Clock): DynamicModule {
    const providers = [
      { provide: DATABASE, useValue: infrastructure.db },
      { provide: DEDICATED_CONNECTION, useValue: infrastructure.dedicated },
      { provide: READ_DATABASE, useValue: infrastructure.readDb },
      { provide: READ_DEDICATED_CONNECTION, useValue: infrastructure.readDedicated },
      { provide: EventStore, useValue: infrastructure.eventStore },
      { provide: CLOCK, useValue: clock },
      { provide: SIGNING_KEY, useValue: infrastructure.key },
    ];
    return { module: InfrastructureModule, providers: [...providers, LogPartitionKeeper, CommitPublisher], exports: providers.map((p) => p.provide) };
  }
}
