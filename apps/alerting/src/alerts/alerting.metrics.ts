import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { AttributeSets, PIPELINE_LATENCY_BUCKETS, serviceMeter } from '@tsuzuku/platform-telemetry';
import type { AlertChange } from './domain/alert-record';

/**
 * Alert changes the engine committed, by kind and rule type, and health change to alert: from
 * health-scoring publishing the account state that met a rule to the commit of the alert it
 * raised (or reopened), one sample per alert.
 */
export class AlertingMetrics {
  private readonly changes: Counter;
  private readonly healthToAlert: Histogram;
  private readonly attributeSets = new AttributeSets();

  constructor() {
    const meter = serviceMeter();
    this.changes = meter.createCounter('tsuzuku.alerting.alert.changes', {
      unit: '{change}',
      description:
        'Alert changes committed by the rule engine (raised, repeated, reopened, resolved), by rule type',
    });
    this.healthToAlert = meter.createHistogram('tsuzuku.alerting.health_to_alert.duration', {
      unit: 's',
      description: 'From the account state published by health-scoring to the commit of the alert it raised',
      advice: { explicitBucketBoundaries: [...PIPELINE_LATENCY_BUCKETS] },
    });
  }

  /**
   * Changes of a committed run; `publishedAt` tells, per account key, when the state they were
   * decided on was published (absent for the sweep, which acts on time alone).
   */
  committed(
    changes: readonly AlertChange[],
    publishedAt?: (change: AlertChange) => string | undefined,
    now = Date.now(),
  ): void {
    for (const change of changes) {
      const attributes = this.attributes(change);
      this.changes.add(1, attributes);
      if (change.change !== 'raised' && change.change !== 'reopened') continue;
      const at = publishedAt?.(change);
      if (at) this.healthToAlert.record(Math.max(0, now - Date.parse(at)) / 1000, attributes);
    }
  }

  private attributes(change: AlertChange): Attributes {
    return this.attributeSets.of(`${change.change}\u0000${change.alert.ruleType}`, () => ({
      'tsuzuku.alert.change': change.change,
      'tsuzuku.alert.rule.type': change.alert.ruleType,
    }));
  }
}
