import { Module } from '@nestjs/common';
import { ScorecardStorageModule } from '../scorecards/scorecard-storage.module';
import { BacktestService } from './backtest.service';
import { PredictionsStorageModule } from './predictions-storage.module';
import { PredictionsController } from './predictions.controller';

/** Backtests of scorecards and weights fitted on the stored past (no background work). */
@Module({
  imports: [ScorecardStorageModule, PredictionsStorageModule],
  controllers: [PredictionsController],
  providers: [BacktestService],
})
export class PredictionsModule {}
