import { ServiceConfig } from '@tsuzuku/platform-config';

/** Environment of the playbooks service. */
export class PlaybooksConfig extends ServiceConfig {
  override PORT = 3004;
}
