export * from './recorded-event';
export * from './stream-conflict-error';
export * from './read-stream-head';
export * from './projector';
export * from './signed-append';
export * from './commit-batch';
export * from './group-commit';
export * from './event-store';
