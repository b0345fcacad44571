import { Module } from '@nestjs/common';
import { ScorecardDirectory } from '../scoring/ports';
import { ScorecardRepository } from './scorecard.repository';
import { ScorecardsService } from './scorecards.service';

/** The workspaces' scorecards as stored, and the directory the scoring reads them from (no API). */
@Module({
  providers: [
    ScorecardRepository,
    ScorecardsService,
    { provide: ScorecardDirectory, useExisting: ScorecardsService },
  ],
  exports: [ScorecardsService, ScorecardDirectory],
})
export class ScorecardStorageModule {}
