export * from './database';
export * from './connect';
export * from './migrate';
export * from './is-unavailable-error';
