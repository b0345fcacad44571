import { DynamicModule, Module } from '@nestjs/common';
import { serviceRootModule } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from './config/health-scoring.config';
import { healthScoringDatabase } from './database/health-scoring.database';
import { ScoringModule } from './scoring/scoring.module';
import { ScorecardsModule } from './scorecards/scorecards.module';
import { SettingsModule } from './settings/settings.module';
import { AccountsModule } from './accounts/accounts.module';
import { PredictionsModule } from './predictions/predictions.module';

@Module({})
export class AppModule {
  static register(config: HealthScoringConfig): DynamicModule {
    const features = [ScoringModule, ScorecardsModule, SettingsModule, AccountsModule, PredictionsModule];
    return serviceRootModule(AppModule, 'health-scoring', config, healthScoringDatabase, features);
  }
}
