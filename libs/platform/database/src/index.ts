export * from './ensure-database';
export * from './service-data-source';
export * from './inbox';
export * from './database.module';
export * from './migration-cli';
export * from './transactional-outbox';
export * from './database-logger';
export * from './database-errors';
