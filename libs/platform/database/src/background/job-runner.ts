import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { backoffDelay } from './backoff';
import { LeaseStore } from './lease.store';

/** A loop of background work, declared once and run by a JobRunner. */
export interface BackgroundJob {
  /** Names the job in logs and, when once per cluster, its lease. */
  readonly name: string;
  /** From the end of one run to the start of the next. */
  readonly everyMs: number;
  /** Only the replica holding the job's lease runs it; another takes over when the lease expires. */
  readonly oncePerCluster?: boolean;
  /** Runs as soon as this replica may run it (at start, or on taking the lease over), not after everyMs. */
  readonly runAtStart?: boolean;
  /** After a failed run, the next one waits backoffDelay(failures, baseMs, capMs) instead of everyMs. */
  readonly retry?: { readonly baseMs: number; readonly capMs: number };
  /**
   * The work. `signal` aborts when the runner stops or the lease was lost: a long run checks it
   * between units of work and returns, leaving the rest to the next run (or the next holder).
   */
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobHandle {
  /** Runs the job now; during a run, once more right after it. Failures are logged. */
  wake(): void;
  /** Runs the job now (or joins the run in progress and the one after it); rejects when it fails. */
  runNow(): Promise<void>;
  /** This replica holds the job's lease (always true for a job that runs on every replica). */
  readonly holdsLease: boolean;
}

export interface JobRunnerOptions {
  /** Who this replica is in the lease table (hostname, pid and a random part by default). */
  readonly holder?: string;
  /** How long a lease lasts unrenewed; renewed every third of it. */
  readonly leaseTtlMs?: number;
  /** Jobs start once this resolves (the service's database connected and migrated). */
  readonly ready?: Promise<unknown>;
}

/**
 * After a SIGKILL the lease expires within LEASE_TTL_MS and another replica, trying every third
 * of it, takes over within LEASE_TTL_MS * 4 / 3.
 */
export const LEASE_TTL_MS = 15_000;

/**
 * Runs background jobs: each one single-flight (a trigger during a run makes one more run, never
 * two at once), retried with the platform's backoff after a failure, once per cluster under a
 * lease when declared so, and stopped gracefully (no new run; the run in progress is asked to
 * return through its signal and awaited; leases are released so another replica takes over at
 * once).
 */
export class JobRunner {
  readonly holder: string;
  private readonly leaseTtlMs: number;
  private readonly ready: Promise<unknown> | undefined;
  private readonly jobs: ScheduledJob[] = [];
  private stopped = false;

  constructor(
    private readonly leases: LeaseStore | undefined,
    options: JobRunnerOptions = {},
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseTtlMs = options.leaseTtlMs ?? LEASE_TTL_MS;
    this.ready = options.ready;
  }

  /** Starts the job; it runs until stop(). */
  schedule(job: BackgroundJob): JobHandle {
    if (this.stopped) throw new Error(`job ${job.name} scheduled after the runner stopped`);
    if (job.oncePerCluster && !this.leases)
      throw new Error(`job ${job.name} runs once per cluster but the runner has no lease table`);
    const scheduled = new ScheduledJob(job, this.holder, this.leaseTtlMs, this.leases);
    this.jobs.push(scheduled);
    if (!this.ready) scheduled.start();
    else
      void this.ready.then(
        () => {
          if (!this.stopped) scheduled.start();
        },
        () => undefined,
      );
    return scheduled;
  }

  /** Stops every job: waits for the runs in progress, then releases the leases held. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.jobs.map((j) => j.stop()));
  }
}

class ScheduledJob implements JobHandle {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private leasing?: Promise<void>;
  private controller = new AbortController();
  private again = false;
  private stopped = false;
  private failures = 0;
  private held: boolean;

  constructor(
    private readonly job: BackgroundJob,
    private readonly holder: string,
    private readonly leaseTtlMs: number,
    private readonly leases: LeaseStore | undefined,
  ) {
    this.logger = new Logger(`Job ${job.name}`);
    this.held = !job.oncePerCluster;
  }

  get holdsLease(): boolean {
    return this.held;
  }

  start(): void {
    if (this.job.oncePerCluster) {
      const renew = () => {
        this.leasing ??= this.renewLease().finally(() => (this.leasing = undefined));
      };
      this.leaseTimer = setInterval(renew, Math.max(50, Math.floor(this.leaseTtlMs / 3)));
      this.leaseTimer.unref();
      renew();
    }
    this.schedule(this.job.runAtStart ? 0 : this.job.everyMs);
  }

  wake(): void {
    this.runNow().catch(() => undefined);
  }

  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let delay = this.job.everyMs;
    try {
      do {
        this.again = false;
        if (!this.held) break;
        if (this.controller.signal.aborted) this.controller = new AbortController();
        await this.job.run(this.controller.signal);
      } while (this.again && !this.stopped);
      this.failures = 0;
    } catch (error) {
      this.failures++;
      const retry = this.job.retry ?? { baseMs: 1_000, capMs: Math.max(1_000, this.job.everyMs) };
      delay = backoffDelay(this.failures, retry.baseMs, retry.capMs);
      this.logger.warn(
        `run failed (${this.failures} in a row, next in ${delay} ms): ${(error as Error).message}`,
      );
      throw error;
    } finally {
      this.schedule(delay);
    }
  }

  private async renewLease(): Promise<void> {
    if (this.stopped || !this.leases) return;
    const had = this.held;
    try {
      this.held = await this.leases.acquire(this.job.name, this.holder, this.leaseTtlMs);
    } catch (error) {
      // Unsure whether the lease is still ours: act as if it were lost.
      this.held = false;
      this.logger.warn(`lease not renewed: ${(error as Error).message}`);
    }
    if (this.stopped) return;
    if (had && !this.held) {
      this.logger.warn('lease lost: the run in progress stops, another replica runs the job');
      this.controller.abort();
    } else if (!had && this.held) {
      this.logger.log(`lease taken by ${this.holder}`);
      if (this.job.runAtStart) this.wake();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.leaseTimer);
    this.controller.abort();
    await this.running?.catch(() => undefined);
    await this.leasing;
    if (this.job.oncePerCluster && this.held && this.leases) {
      this.held = false;
      await this.leases
        .release(this.job.name, this.holder)
        .catch((error: unknown) => this.logger.warn(`lease not released: ${(error as Error).message}`));
    }
  }
}
