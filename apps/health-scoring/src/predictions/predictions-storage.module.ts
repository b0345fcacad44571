import { Module } from '@nestjs/common';
import { PredictionsRepository } from './predictions.repository';

/** What the predictions read of the stored history (no API): for the backtest and the models. */
@Module({
  providers: [PredictionsRepository],
  exports: [PredictionsRepository],
})
export class PredictionsStorageModule {}
