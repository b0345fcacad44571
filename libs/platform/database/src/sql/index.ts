export * from './sql-catalog';
export * from './bulk-rows';
export * from './returned-rows';
export * from './column-values';
