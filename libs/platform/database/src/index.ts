export * from './ensure-database';
export * from './service-data-source';
export * from './migration-lock';
export * from './database-status';
export * from './inbox';
export * from './database.module';
export * from './migration-cli';
export * from './transactional-outbox';
