export * from './test-infrastructure';
export * from './test-database';
export * from './wait-for';
export * from './topic-reader';
export * from './test-service';
export * from './service-basics';
export * from './built-service';
export * from './test-fixtures';
