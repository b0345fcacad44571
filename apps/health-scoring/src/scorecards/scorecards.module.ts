import { Module } from '@nestjs/common';
import { ScoringModule } from '../scoring/scoring.module';
import { ScorecardStorageModule } from './scorecard-storage.module';
import { ScorecardsController } from './scorecards.controller';

/** The scorecards API: a change is stored, then the workspace is rescored (through `Rescorer`). */
@Module({
  imports: [ScorecardStorageModule, ScoringModule],
  controllers: [ScorecardsController],
})
export class ScorecardsModule {}
