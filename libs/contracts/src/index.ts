export * from './topics';
export * from './headers';
export * from './envelope';
export * from './envelope-validator';
export * from './events/registry';
export * from './events/customer-event';
export * from './segment-spec';
export * from './credential-record';
