export * from './value';
export * from './churn';
