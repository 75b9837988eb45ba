export * from './tag-events';
export * from './current-tags.projection';
export * from './repositories.projection';
export * from './tag-history.projection';
export * from './project-all';
export * from './rebuild/projection-tables';
export * from './rebuild/rebuild-projections';
export * from './rebuild/check-projections';
