export * from './database';
export * from './connect';
export * from './migrate';
