import { ServiceConfig } from '@tsuzuku/platform-config';

/** Environment of the reporting service. */
export class ReportingConfig extends ServiceConfig {
  override PORT = 3005;
}
