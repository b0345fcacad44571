import { ServiceConfig } from '@tsuzuku/platform-config';

/** Environment of the alerting service. */
export class AlertingConfig extends ServiceConfig {
  override PORT = 3003;
}
