import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BackgroundJobs, JobHandle, backoffDelay } from '@tsuzuku/platform-database';
import { Clock, OutboundRequestError } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from '../config/alerting.config';
import { DeliveryWake } from './delivery-wake';
import { afterFailure } from './domain/delivery-backoff';
import { ClaimedDelivery, DeliveryRepository } from './delivery.repository';
import { ChannelTarget, DeliveryError, NotificationSenders } from './notification-senders';

/**
 * Sends due deliveries. Rows are claimed with FOR UPDATE SKIP LOCKED and leased (their next
 * attempt pushed past the send timeout), so several instances never send one at the same time
 * and a crash mid-send only delays it. Every send runs on its own with a timeout: a dead
 * channel holds one slot for at most DELIVERY_TIMEOUT_MS and never delays other channels or
 * the alert processing, which only writes rows. Claiming is a background job on every replica
 * (single-flight; stopped before the sends in flight are awaited at shutdown).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private job?: JobHandle;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly senders: NotificationSenders,
    private readonly config: AlertingConfig,
    private readonly jobs: BackgroundJobs,
    private readonly clock: Clock,
    wake: DeliveryWake,
  ) {
    wake.listen(() => this.tick());
  }

  onApplicationBootstrap(): void {
    this.job = this.jobs.schedule({
      name: 'notification-delivery',
      everyMs: this.config.DELIVERY_POLL_MS,
      runAtStart: true,
      run: () => this.claimAndSend(),
    });
  }

  /** Claims as many due deliveries as there are free slots and starts sending them. */
  tick(): void {
    this.job?.wake();
  }

  private async claimAndSend(): Promise<void> {
    const free = this.config.DELIVERY_CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    const leaseMs = this.config.DELIVERY_TIMEOUT_MS + 30_000;
    const claimed = await this.deliveries.claimDue(free, leaseMs);
    for (const delivery of claimed) {
      const sending: Promise<void> = this.deliver(delivery).finally(() => {
        this.inFlight.delete(sending);
        // A freed slot may have due work waiting.
        if (claimed.length === free) this.tick();
      });
      this.inFlight.add(sending);
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const secrets = [d.secret, d.previous_valid ? d.previous_secret : null].filter((s): s is string => !!s);
    const target: ChannelTarget = { id: d.id, kind: d.kind, url: d.url, recipients: d.recipients, secrets };
    try {
      await this.senders.send(target, d.payload, d.id);
      await this.deliveries.markDelivered(d.id);
    } catch (error) {
      const { message, statusCode } = describe(error);
      const delay = backoffDelay(
        d.attempts,
        this.config.DELIVERY_BACKOFF_BASE_MS,
        this.config.DELIVERY_BACKOFF_MAX_MS,
      );
      const next = afterFailure(d.attempts, this.config.DELIVERY_MAX_ATTEMPTS, this.clock.now(), delay);
      await this.deliveries
        .markFailed(d.id, {
          status: next.status,
          error: message.slice(0, 1000),
          statusCode,
          nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : null,
        })
        .catch((e: unknown) =>
          this.logger.warn(`recording delivery ${d.id} failed: ${(e as Error).message}`),
        );
      this.logger.warn(`delivery ${d.id} attempt ${d.attempts} failed (${next.status}): ${message}`);
    }
  }

  /** The runner stopped claiming before this hook; the sends in flight finish. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/**
 * Why a send failed, in our own words, and the receiver's status code when it answered: never
 * text the receiver sent, so the delivery list cannot be used to read what a URL answers.
 */
function describe(error: unknown): { message: string; statusCode: number | null } {
  if (error instanceof OutboundRequestError) return { message: error.message, statusCode: error.status };
  if (error instanceof DeliveryError) return { message: error.message, statusCode: null };
  // Email: nodemailer's code (EAUTH, ECONNECTION, ETIMEDOUT ...) and the SMTP reply code.
  const e = error as Error & { code?: string; responseCode?: number };
  const detail = [e.code, e.responseCode].filter((part) => part !== undefined).join(', ');
  return { message: detail ? `email failed (${detail})` : 'email failed', statusCode: null };
}
