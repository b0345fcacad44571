export * from './config-error';
export * from './load-config';
export * from './transforms';
export * from './service-config';
export * from './config.module';
export * from './validation-problems';
