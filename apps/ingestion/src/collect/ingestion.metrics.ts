import { Injectable } from '@nestjs/common';
import type { Attributes, Counter } from '@opentelemetry/api';
import { ApiException } from '@tsuzuku/platform-runtime';
import { AttributeSets, serviceMeter } from '@tsuzuku/platform-telemetry';
import type { CollectResult } from './collect.service';

export type CollectMode = 'live' | 'import';

/**
 * Events in and out of the collect API, counted once per request (never per event): accepted
 * (published to Kafka), duplicates (acknowledged, not published again) and refused, by reason:
 * the item's own (invalid_event, event_too_large) or the whole request's (missing_write_key,
 * rate_limited, kafka_unavailable, ...), each refused request counting the calls it carried.
 */
@Injectable()
export class IngestionMetrics {
  private readonly accepted: Counter;
  private readonly duplicates: Counter;
  private readonly refused: Counter;
  private readonly modes: Record<CollectMode, Attributes> = {
    live: { 'tsuzuku.ingestion.mode': 'live' },
    import: { 'tsuzuku.ingestion.mode': 'import' },
  };
  private readonly reasons = new AttributeSets();

  constructor() {
    const meter = serviceMeter();
    this.accepted = meter.createCounter('tsuzuku.ingestion.events.accepted', {
      unit: '{event}',
      description: 'Events acknowledged and published to cs.events.v1, by mode (live or import)',
    });
    this.duplicates = meter.createCounter('tsuzuku.ingestion.events.duplicates', {
      unit: '{event}',
      description: 'Events acknowledged as repeats of a messageId already stored (not published again)',
    });
    this.refused = meter.createCounter('tsuzuku.ingestion.events.refused', {
      unit: '{event}',
      description: 'Events refused, by reason (error.type: the API error code)',
    });
  }

  /** A request that was answered with its per-event report. */
  collected(mode: CollectMode, result: CollectResult): void {
    const published = result.accepted - result.duplicates;
    if (published > 0) this.accepted.add(published, this.modes[mode]);
    if (result.duplicates > 0) this.duplicates.add(result.duplicates, this.modes[mode]);
    if (result.rejected.length === 0) return;
    let tooLarge = 0;
    for (const r of result.rejected) if (r.tooLarge) tooLarge++;
    const invalid = result.rejected.length - tooLarge;
    if (tooLarge > 0) this.refused.add(tooLarge, this.reason('event_too_large'));
    if (invalid > 0) this.refused.add(invalid, this.reason('invalid_event'));
  }

  /** A request refused whole (authentication, rate limit, outage, malformed body): its `calls` events. */
  requestRefused(calls: number, error: unknown): void {
    const code = error instanceof ApiException ? error.code : 'internal_error';
    this.refused.add(calls, this.reason(code));
  }

  private reason(code: string): Attributes {
    return this.reasons.of(code, () => ({ 'error.type': code }));
  }
}
