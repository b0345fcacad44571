import { contractsProtoPath } from '@tsuzuku/platform-grpc';

export { HEALTH_PROTO, contractsProtoPath } from '@tsuzuku/platform-grpc';
export const REPORTING_PROTO = 'reporting.v1.proto';

/** Where libs/contracts/proto/reporting.v1.proto is. */
export function reportingProtoPath(): string {
  return contractsProtoPath(REPORTING_PROTO);
}
