import { Module } from '@nestjs/common';
import { ScorecardStorageModule } from '../scorecards/scorecard-storage.module';
import { ScoringModule } from '../scoring/scoring.module';
import { BacktestService } from './backtest.service';
import { ChurnModelController } from './churn-model.controller';
import { ChurnModelRepository } from './churn-model.repository';
import { ChurnModelService } from './churn-model.service';
import { PredictionsStorageModule } from './predictions-storage.module';
import { PredictionsController } from './predictions.controller';

/**
 * Backtests of scorecards and weights fitted on the stored past, and the workspaces' churn models
 * (trained on a schedule, once per cluster, and on request; the accounts whose prediction changed
 * are announced through the scoring's `Rescorer`).
 */
@Module({
  imports: [ScorecardStorageModule, PredictionsStorageModule, ScoringModule],
  controllers: [PredictionsController, ChurnModelController],
  providers: [BacktestService, ChurnModelRepository, ChurnModelService],
})
export class PredictionsModule {}
