export * from './segment-call.schema';
export * from './segment-call.validator';
export * from './segment-call.classes';
