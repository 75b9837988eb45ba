import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { EventStore } from '@tag-history/event-store';
import { EventsCommitted } from './events-committed';

/** The bridge from the event store (a plain library) to Nest's EventBus, where this instance's subscribers listen. */
@Injectable()
export class CommitPublisher implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.store.onCommitted((events) => this.bus.publish(new EventsCommitted(events)));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
