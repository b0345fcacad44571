import { Injectable, Optional } from '@nestjs/common';
import { HealthScoringConfig } from '../config/health-scoring.config';

/** The time the scoring reads windows against; one seam so tests can move it. */
@Injectable()
export class Clock {
  private readonly pinnedAsOf: Date | null;

  constructor(@Optional() config?: HealthScoringConfig) {
    this.pinnedAsOf = config?.SCORING_AS_OF ? new Date(config.SCORING_AS_OF) : null;
  }

  now(): Date {
    return new Date();
  }

  /**
   * The moment scores are computed as of: now, unless SCORING_AS_OF pins it. Windows, days since
   * a sign-in and the 30-day ticket count all read this moment, so two runs of one history agree
   * on a score only when they score it as of the same moment.
   */
  asOf(): Date {
    return this.pinnedAsOf ?? this.now();
  }
}
