export * from './start-telemetry';
export * from './service-metrics';
export * from './runtime-metrics';
export * from './prometheus-text';
export * from './attribute-sets';
