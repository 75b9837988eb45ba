export * from './signing-key';
export * from './event-payload';
export * from './event-hash';
export * from './sign-event';
export * from './verify-event';
