export * from './value';
export * from './latest-settings';
