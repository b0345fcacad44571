export * from './bound-grpc-transport';
export * from './grpc-exception.filter';
export * from './grpc-health.service';
export * from './grpc-input-boundary.pipe';
export * from './proto-path';
export * from './service-grpc-server';
