export * from './outbound-policy';
export * from './outbound-http.client';
export * from './outbound.module';
export * from './outbound-targets';
