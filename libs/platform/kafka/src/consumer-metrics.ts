import type { Attributes, Counter, Histogram, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Admin, Kafka } from 'kafkajs';
import { AttributeSets, PIPELINE_LATENCY_BUCKETS, serviceMeter } from '@tsuzuku/platform-telemetry';

/** The partitions of each topic one consumer was assigned when it last joined its group. */
export type PartitionAssignment = Readonly<Record<string, readonly number[]>>;

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** How often the lag is asked of Kafka at most, however often /metrics is scraped. */
const LAG_REFRESH_MS = 5_000;

/**
 * Messages a group has still to read on a partition: the high watermark less its committed offset
 * (or less the low watermark when nothing is committed yet, or when retention removed messages
 * the group never read). Offsets are Kafka's decimal strings; -1 means none committed.
 */
export function partitionLag(high: string, low: string, committed: string): number {
  const from = Math.max(Number(committed), Number(low));
  return Math.max(0, Number(high) - from);
}

/**
 * The consumer side's metrics, counted per run of messages (never per message on the happy path):
 * messages processed, failed attempts, dead letters and processing time per consumer group and
 * partition, and the lag of the partitions this replica is assigned (each replica reports only
 * its own, so a sum over replicas counts every partition once). The lag is read from Kafka (the
 * topics' high watermarks against the group's committed offsets) when /metrics is scraped, at
 * most every LAG_REFRESH_MS: a stalled consumer's lag grows even when it fetches nothing.
 */
export class ConsumerMetrics {
  private readonly consumed: Counter;
  private readonly duration: Histogram;
  private readonly failures: Counter;
  private readonly deadLetters: Counter;
  private readonly lagGauge: ObservableGauge;
  private readonly attributeSets = new AttributeSets();
  private readonly assignments = new Map<string, PartitionAssignment>();
  private admin?: Admin;
  private lags?: { readonly at: number; readonly value: Promise<PartitionLag[]> };
  private readonly observeLag = async (result: ObservableResult) => {
    for (const { group, topic, partition, lag } of await this.currentLags())
      result.observe(lag, this.attributes(group, topic, partition));
  };

  /** `client` makes the Kafka client the lag is asked with (fail-fast: a scrape must not hang on Kafka). */
  constructor(private readonly client: () => Kafka) {
    const meter = serviceMeter();
    this.consumed = meter.createCounter('messaging.client.consumed.messages', {
      unit: '{message}',
      description: 'Messages processed by a consumer group: handled, or dead-lettered',
    });
    this.duration = meter.createHistogram('messaging.process.duration', {
      unit: 's',
      description:
        'Time to process one run of messages of a partition (a batch, or one message when retried)',
      advice: { explicitBucketBoundaries: [...PIPELINE_LATENCY_BUCKETS] },
    });
    this.failures = meter.createCounter('tsuzuku.messaging.process.failures', {
      unit: '{message}',
      description:
        'Messages whose processing attempt failed (a failed batch counts each of its messages, then they are retried one by one)',
    });
    this.deadLetters = meter.createCounter('tsuzuku.messaging.dead_letters', {
      unit: '{message}',
      description: 'Messages written to the dead-letter topic, by error code',
    });
    this.lagGauge = meter.createObservableGauge('tsuzuku.messaging.consumer.lag', {
      unit: '{message}',
      description:
        "Messages on a partition not yet committed by the consumer group (this replica's partitions)",
    });
    this.lagGauge.addCallback(this.observeLag);
  }

  /** A run of `count` messages was processed (handled or dead-lettered) in `seconds`. */
  processed(group: string, topic: string, partition: number, count: number, seconds: number): void {
    const attributes = this.attributes(group, topic, partition);
    this.consumed.add(count, attributes);
    this.duration.record(seconds, attributes);
  }

  /** `count` messages failed an attempt (`scope`: as a batch, or one by one). */
  failed(
    group: string,
    topic: string,
    partition: number,
    scope: 'batch' | 'message',
    errorType: string,
    count: number,
  ): void {
    this.failures.add(count, this.attributes(group, topic, partition, errorType, scope));
  }

  deadLettered(group: string, topic: string, partition: number, errorType: string, count = 1): void {
    this.deadLetters.add(count, this.attributes(group, topic, partition, errorType));
  }

  /** The group (re)joined with these partitions. */
  assigned(group: string, assignment: PartitionAssignment): void {
    this.assignments.set(group, assignment);
    this.lags = undefined;
  }

  /** The group's consumer stopped or crashed: it reads nothing, so it reports no lag. */
  unassigned(group: string): void {
    this.assignments.delete(group);
    this.lags = undefined;
  }

  /** Stops reporting and closes the admin connection (at shutdown). */
  async close(): Promise<void> {
    this.lagGauge.removeCallback(this.observeLag);
    this.assignments.clear();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private currentLags(): Promise<PartitionLag[]> {
    if (this.assignments.size === 0) return Promise.resolve([]);
    if (!this.lags || Date.now() - this.lags.at >= LAG_REFRESH_MS)
      this.lags = { at: Date.now(), value: this.readLags() };
    return this.lags.value;
  }

  /** One offsets request per assigned topic and one per group; nothing when Kafka does not answer. */
  private async readLags(): Promise<PartitionLag[]> {
    try {
      this.admin ??= this.client().admin();
      const admin = this.admin;
      await admin.connect();
      const topics = new Set([...this.assignments.values()].flatMap((a) => Object.keys(a)));
      const watermarks = new Map(
        await Promise.all(
          [...topics].map(
            async (topic) =>
              [topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]))] as const,
          ),
        ),
      );
      const perGroup = await Promise.all(
        [...this.assignments].map(async ([group, assignment]) => {
          const committed = await admin.fetchOffsets({ groupId: group, topics: Object.keys(assignment) });
          const lags: PartitionLag[] = [];
          for (const { topic, partitions } of committed) {
            const mine = new Set(assignment[topic] ?? []);
            for (const { partition, offset } of partitions) {
              const marks = watermarks.get(topic)?.get(partition);
              if (!mine.has(partition) || !marks) continue;
              lags.push({ group, topic, partition, lag: partitionLag(marks.high, marks.low, offset) });
            }
          }
          return lags;
        }),
      );
      return perGroup.flat();
    } catch {
      // A stale lag would mislead: report none until Kafka answers again.
      const admin = this.admin;
      this.admin = undefined;
      this.lags = undefined;
      await admin?.disconnect().catch(() => undefined);
      return [];
    }
  }

  private attributes(
    group: string,
    topic: string,
    partition: number,
    errorType?: string,
    scope?: string,
  ): Attributes {
    const key = `${group}\u0000${topic}\u0000${partition}\u0000${errorType ?? ''}\u0000${scope ?? ''}`;
    return this.attributeSets.of(key, () => ({
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': group,
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(partition),
      ...(errorType ? { 'error.type': errorType } : {}),
      ...(scope ? { 'tsuzuku.messaging.failure.scope': scope } : {}),
    }));
  }
}
