export * from './health.controller';
export * from './platform.module';
export * from './run-service';
export * from './request-validation.pipe';
export * from './api-exception';
export * from './workspace-cache';
export * from './query-transforms';
export * from './server-span.interceptor';
