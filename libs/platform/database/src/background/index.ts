export * from './backoff';
export * from './lease.store';
export * from './job-runner';
export * from './background-jobs';
