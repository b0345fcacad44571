import { ServiceConfig } from '@tsuzuku/platform-config';

/** Environment of the health-scoring service. */
export class HealthScoringConfig extends ServiceConfig {
  override PORT = 3002;
}
