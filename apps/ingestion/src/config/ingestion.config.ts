import { ServiceConfig } from '@tsuzuku/platform-config';

/** Environment of the ingestion service. */
export class IngestionConfig extends ServiceConfig {
  override PORT = 3001;
}
