export * from './secret';
export * from './credential-store';
export * from './api-token.guard';
export * from './require-scopes.decorator';
export * from './credentials.health';
export * from './auth.module';
export * from './token-buckets';
export * from './request-limiters';
