import { DynamicModule, Module } from '@nestjs/common';
import { serviceRootModule } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from './config/ingestion.config';
import { ingestionDatabase } from './database/ingestion.database';
import { CollectModule } from './collect/collect.module';
import { WorkspacesModule } from './workspaces/workspaces.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';

@Module({})
export class AppModule {
  static register(config: IngestionConfig): DynamicModule {
    const features = [CollectModule, WorkspacesModule];
    // A Kafka outage leaves ingestion ready: it answers 503 with Retry-After itself.
    const readiness = { kafkaReadiness: 'started' } as const;
    return serviceRootModule(AppModule, 'ingestion', config, ingestionDatabase, features, readiness);
  }

  /** What the CLI needs: no collect API, so a CLI run never counts as a replica sharing the rate limits. */
  static cli(config: IngestionConfig): DynamicModule {
    const features = [WorkspacesModule, DeadLettersModule];
    return serviceRootModule(AppModule, 'ingestion', config, ingestionDatabase, features);
  }
}
