export * from './database';
export * from './connect';
export * from './migrate';
export * from './is-unavailable-error';
export * from './read-routing/required-position';
export * from './log-partitions';
export * from './copy-out/copy-out-lines';
export * from './copy-out/inline-query';
