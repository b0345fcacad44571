import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from './config/health-scoring.config';
import { healthScoringDatabase } from './database/health-scoring.database';
import { AccountActivityModule } from './activity/account-activity.module';

@Module({})
export class AppModule {
  static register(config: HealthScoringConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('health-scoring', config, healthScoringDatabase),
        AccountActivityModule,
      ],
    };
  }
}
