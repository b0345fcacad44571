import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from './config/health-scoring.config';
import { healthScoringDatabase } from './database/health-scoring.database';
import { ScoringModule } from './scoring/scoring.module';
import { ScorecardsModule } from './scorecards/scorecards.module';
import { SettingsModule } from './settings/settings.module';
import { AccountsModule } from './accounts/accounts.module';

@Module({})
export class AppModule {
  static register(config: HealthScoringConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('health-scoring', config, healthScoringDatabase),
        ScoringModule,
        ScorecardsModule,
        SettingsModule,
        AccountsModule,
      ],
    };
  }
}
