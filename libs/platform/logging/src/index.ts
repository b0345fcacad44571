export * from './logging.module';
export * from './log-redaction';
