export * from './customer-base';
export * from './demo-flow';
export * from './pipeline';
export * from './workspace-cli';
export * from './prediction-report';
