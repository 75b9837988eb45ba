export * from './config';
export * from './gc-settings';
export * from './registry-config';
export * from './transparency-config';
export * from './config-error';
export * from './known-variables';
export * from './operations-config';
export * from './policy-settings';
