import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DATABASE } from '@tag-history/database';
import { EventStore } from '@tag-history/event-store';
import { queryHandlers } from '@tag-history/queries';
import { CLOCK, type Clock } from './clock';
import { HealthController } from './health/health.controller';
import { OciErrorFilter } from './http/oci-error.filter';
import type { Infrastructure } from './infrastructure';
import { JwksController } from './jwks/jwks.controller';
import { ResolveReferenceController } from './resolve-reference/resolve-reference.controller';
import { DeleteTagController } from './tags/delete-tag/delete-tag.controller';
import { DeleteTagHandler } from './tags/delete-tag/delete-tag.handler';
import { GetTagController } from './tags/get-tag/get-tag.controller';
import { ListTagsController } from './tags/list-tags/list-tags.controller';
import { PutTagController } from './tags/put-tag/put-tag.controller';
import { PutTagHandler } from './tags/put-tag/put-tag.handler';

@Module({})
export class AppModule {
  static forRoot(infrastructure: Infrastructure, clock: Clock = () => new Date()): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        PutTagController,
        DeleteTagController,
        GetTagController,
        ListTagsController,
        ResolveReferenceController,
        JwksController,
        HealthController,
      ],
      providers: [
        { provide: DATABASE, useValue: infrastructure.db },
        { provide: EventStore, useValue: infrastructure.eventStore },
        { provide: CLOCK, useValue: clock },
        { provide: APP_FILTER, useClass: OciErrorFilter },
        PutTagHandler,
        DeleteTagHandler,
        ...queryHandlers,
      ],
    };
  }
}
