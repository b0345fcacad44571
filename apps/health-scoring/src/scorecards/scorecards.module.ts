import { Module } from '@nestjs/common';
import { ScorecardDirectory } from '../scoring/ports';
import { ScorecardsController } from './scorecards.controller';
import { ScorecardsService } from './scorecards.service';

/**
 * Scorecards: their API and the directory the scoring reads. The controller needs `Rescorer`,
 * from the global ScoringModule; the service does not, so the scoring engine can depend on it.
 */
@Module({
  controllers: [ScorecardsController],
  providers: [ScorecardsService, { provide: ScorecardDirectory, useExisting: ScorecardsService }],
  exports: [ScorecardsService, ScorecardDirectory],
})
export class ScorecardsModule {}
