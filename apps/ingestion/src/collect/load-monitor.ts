import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import { Topic } from '@tsuzuku/contracts';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { KafkaConnection, describeError } from '@tsuzuku/platform-kafka';
import { IngestionConfig } from '../config/ingestion.config';
import {
  Admission,
  AdmissionLimits,
  LoadSignals,
  admission,
  answerTime,
  sustainedDelay,
} from './domain/admission';

/** The event-loop delay is read over windows of this length. */
const LOOP_WINDOW_MS = 500;
/** The answer time is read over windows of this length. */
const ANSWER_WINDOW_MS = 500;
/** A lag reading older than this many reading intervals is no longer trusted (Kafka unreachable). */
const LAG_STALE_INTERVALS = 5;

interface GroupReading {
  readonly at: number;
  readonly committed: number;
}

/**
 * What ingestion knows of its load, for the admission of each request (domain/admission.ts):
 * this process's event-loop delay, the events of the requests it has in hand, and how far the
 * pipeline's consumers are behind on cs.events.v1 (read every OVERLOAD_LAG_EVERY_MS by every
 * replica, a background job), counting only the groups with a live member. A lag that cannot be
 * read counts as unknown: it refuses nothing.
 * Intervals are measured on the monotonic clock (performance.now), not on the service's Clock.
 */
@Injectable()
export class LoadMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LoadMonitor.name);
  private readonly loop: ReturnType<typeof monitorEventLoopDelay> = monitorEventLoopDelay({ resolution: 10 });
  private loopWindowStart = 0;
  private loopDelayMs = 0;
  private previousLoopDelayMs = 0;
  private pending = 0;
  private stopped = false;
  // Answer times (ms) of the requests answered with success in the current window, and the last window's reading.
  private answers: number[] = [];
  private answerWindowStart = 0;
  private answerMs = 0;
  private lag: { value: number; rate: number | null; at: number } | null = null;
  private readonly previous = new Map<string, GroupReading>();
  private admin?: Admin;
  private lagProblem?: string;
  private readonly limits: AdmissionLimits;

  constructor(
    private readonly config: IngestionConfig,
    private readonly connection: KafkaConnection,
    private readonly jobs: BackgroundJobs,
  ) {
    this.limits = {
      maxEventLoopDelayMs: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxPendingEvents: config.OVERLOAD_MAX_PENDING_EVENTS,
      maxAnswerMs: config.OVERLOAD_MAX_ANSWER_MS,
      lagSoftLimit: config.OVERLOAD_LAG_SOFT_LIMIT,
      lagHardLimit: config.OVERLOAD_LAG_HARD_LIMIT,
    };
  }

  onApplicationBootstrap(): void {
    this.loop.enable();
    this.loopWindowStart = performance.now();
    this.answerWindowStart = this.loopWindowStart;
    if (this.config.OVERLOAD_LAG_GROUPS.length === 0) return;
    this.jobs.schedule({
      name: 'downstream-lag',
      everyMs: this.config.OVERLOAD_LAG_EVERY_MS,
      runAtStart: true,
      run: () => this.readLag(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.loop.disable();
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Whether to take a request of `events` events now. */
  admit(events: number): Admission {
    return admission(events, this.signals(), this.limits, Math.random());
  }

  /**
   * Counts a taken request's events until `release` is called when it is answered; the time it
   * took counts in the answer time when it succeeded (a failure, Kafka's outage say, is not a
   * queue: it is answered 503 apart).
   */
  hold(events: number): (succeeded: boolean) => void {
    this.pending += events;
    const taken = performance.now();
    let released = false;
    return (succeeded) => {
      if (released) return;
      released = true;
      this.pending -= events;
      if (succeeded) this.answers.push(performance.now() - taken);
    };
  }

  signals(): LoadSignals {
    const now = performance.now();
    if (now - this.loopWindowStart >= LOOP_WINDOW_MS) {
      // The histogram is in nanoseconds; a window with no sample keeps the last reading.
      if (this.loop.count > 0) {
        this.previousLoopDelayMs = this.loopDelayMs;
        this.loopDelayMs = this.loop.percentile(99) / 1e6;
      }
      this.loop.reset();
      this.loopWindowStart = now;
    }
    if (now - this.answerWindowStart >= ANSWER_WINDOW_MS) {
      this.answerMs = answerTime(this.answers);
      this.answers = [];
      this.answerWindowStart = now;
    }
    const fresh =
      this.lag !== null && now - this.lag.at <= LAG_STALE_INTERVALS * this.config.OVERLOAD_LAG_EVERY_MS;
    return {
      eventLoopDelayMs: sustainedDelay(this.previousLoopDelayMs, this.loopDelayMs),
      pendingEvents: this.pending,
      answerMs: this.answerMs,
      downstreamLag: fresh ? this.lag!.value : null,
      downstreamRate: fresh ? this.lag!.rate : null,
    };
  }

  /** Reads the lag of the watched groups on cs.events.v1; the slowest one counts. */
  private async readLag(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.admin) {
        const admin = this.connection.kafka.admin();
        await admin.connect();
        // Connected after the shutdown began: nothing may stay open behind it.
        if (this.stopped) {
          await admin.disconnect();
          return;
        }
        this.admin = admin;
      }
      const at = performance.now();
      const ends = await this.admin.fetchTopicOffsets(Topic.Events);
      const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
      let worst: { value: number; rate: number | null } | null = null;
      // A group with no live member is down or not deployed, not overloaded: refusing would not
      // help it, so it counts for nothing (its own alerts say it is down).
      const { groups } = await this.admin.describeGroups([...this.config.OVERLOAD_LAG_GROUPS]);
      const live = new Set(groups.filter((g) => g.members.length > 0).map((g) => g.groupId));
      for (const groupId of this.config.OVERLOAD_LAG_GROUPS) {
        if (!live.has(groupId)) continue;
        const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [Topic.Events] });
        const partitions = offsets?.partitions ?? [];
        if (!partitions.some((p) => Number(p.offset) >= 0)) continue;
        const lows = new Map(ends.map((p) => [p.partition, Number(p.low)]));
        const committed = partitions.reduce(
          (sum, p) => sum + (Number(p.offset) >= 0 ? Number(p.offset) : (lows.get(p.partition) ?? 0)),
          0,
        );
        const before = this.previous.get(groupId);
        this.previous.set(groupId, { at, committed });
        const rate =
          before && at > before.at
            ? Math.max(0, ((committed - before.committed) * 1000) / (at - before.at))
            : null;
        const value = Math.max(0, end - committed);
        if (!worst || value > worst.value) worst = { value, rate };
      }
      this.lag = worst && { ...worst, at };
      if (this.lagProblem) this.logger.log('the pipeline lag is read again');
      this.lagProblem = undefined;
    } catch (error) {
      const problem = describeError(error);
      if (problem !== this.lagProblem)
        this.logger.warn(`cannot read the pipeline lag (overload control goes without it): ${problem}`);
      this.lagProblem = problem;
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
    }
  }
}
