import type { Attributes, Histogram } from '@opentelemetry/api';
import { AttributeSets, HTTP_DURATION_BUCKETS, serviceMeter } from '@tsuzuku/platform-telemetry';

/** Which report a query served. */
export type ReportName = 'kpis' | 'mrr_movements';

/**
 * KPI query duration: the time the queries behind one report took, REST and gRPC alike, by
 * report and whether it was sliced (segment, touch model, phase, CSM): a sliced report joins
 * every account to its attribute version and is the one to watch.
 */
export class ReportMetrics {
  private readonly duration: Histogram = serviceMeter().createHistogram(
    'tsuzuku.reporting.kpi.query.duration',
    {
      unit: 's',
      description: 'Duration of the queries behind one KPI or MRR-movements report, by report and slicing',
      advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
    },
  );
  private readonly attributeSets = new AttributeSets();

  /** Runs a report's queries and records how long they took (failed ones too, with error.type). */
  async timed<T>(report: ReportName, sliced: boolean, query: () => Promise<T>): Promise<T> {
    const began = performance.now();
    let failed = false;
    try {
      return await query();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      this.duration.record((performance.now() - began) / 1000, this.attributes(report, sliced, failed));
    }
  }

  private attributes(report: ReportName, sliced: boolean, failed: boolean): Attributes {
    return this.attributeSets.of(`${report}\u0000${sliced}\u0000${failed}`, () => ({
      'tsuzuku.report.name': report,
      'tsuzuku.report.sliced': sliced,
      ...(failed ? { 'error.type': 'query_failed' } : {}),
    }));
  }
}
