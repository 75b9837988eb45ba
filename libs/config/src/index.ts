export * from './config';
export * from './gc-settings';
export * from './registry-config';
export * from './transparency-config';
