import type { Histogram } from '@opentelemetry/api';
import { PIPELINE_LATENCY_BUCKETS, serviceMeter } from '@tsuzuku/platform-telemetry';

/**
 * Event time to new score: from ingestion publishing a live event to the commit of the score it
 * moved, one sample per account and run (its earliest event of the run, so the slowest of them).
 * History (backfill) is left out: it rebuilds the past, it does not wait to be scored.
 */
export class ScoringMetrics {
  private readonly eventToScore: Histogram = serviceMeter().createHistogram(
    'tsuzuku.scoring.event_to_score.duration',
    {
      unit: 's',
      description: 'From a live event published by ingestion to the commit of the score it changed',
      advice: { explicitBucketBoundaries: [...PIPELINE_LATENCY_BUCKETS] },
    },
  );

  /** Accounts scored in a committed run, each with when its earliest event of the run was published. */
  scored(producedAt: Iterable<string>, now = Date.now()): void {
    for (const at of producedAt) this.eventToScore.record(Math.max(0, now - Date.parse(at)) / 1000);
  }
}
