export * from './project-events';
export * from './rebuild/projection-tables';
export * from './rebuild/rebuild-projections';
export * from './rebuild/check-projections';
export { ARCHIVE_SCHEMA, snapshotProjections } from './rebuild/build-projections';
