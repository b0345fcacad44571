import { Injectable, Logger } from '@nestjs/common';
import { Coalescer } from '@tsuzuku/platform-kafka';
import { IngestionConfig } from '../config/ingestion.config';
import { OpenClaim, PublishedEventRepository } from './published-event.repository';
import { SentEvents } from './sent-events';

/**
 * Event ids this request may publish, held by an open transaction until every request that
 * shares it has settled. `fresh` are the ids not published within the window; the rest are
 * repeats. `settle` keeps the ids Kafka acknowledged and gives up the others; the ids of a send
 * that failed (`inDoubt`: Kafka may have stored them though it did not say so) stay pending, so
 * the next claim of theirs looks for them on the topic.
 */
export interface Claim {
  readonly fresh: ReadonlySet<string>;
  /** Resolves once the fresh ids are recorded as pending: nothing may be sent before. */
  readonly sendable: Promise<void>;
  settle(published: readonly string[], inDoubt?: readonly string[]): void;
}

interface ClaimRequest {
  readonly eventIds: readonly string[];
  readonly claimed: (claim: Claim) => void;
  readonly failed: (error: unknown) => void;
}

/** Rows per coalesced claim; a request carries at most a few thousand events. */
const MAX_ROWS_PER_CLAIM = 20_000;
/** Pool connections left to everything but claims (memberships, credentials, health). */
const CONNECTIONS_FOR_THE_REST = 4;

/**
 * The deduplication ledger as the collect path uses it.
 *
 * The ledger (PublishedEventRepository) holds the event ids Kafka acknowledged within the
 * window. An attempt inserts its ids in a transaction that stays open while Kafka answers: the
 * ids Kafka took are committed, the others deleted before the commit, and if the process dies
 * the transaction rolls back by itself. Another attempt with the same id, on any instance,
 * waits on the row until then, so an id is never counted as published when it was not.
 * Concurrent requests share claim transactions.
 *
 * Kafka can store an event and the claim still end without its commit: the process dies, or its
 * connection is cut, between the acknowledgement and the commit. So before the send the claim
 * also commits, apart, that the ids are pending, and its own commit clears them. A later claim
 * that meets pending ids of an ended claim looks for them on the topic (SentEvents): those found
 * count as published and are not sent again, so an id is never published twice either.
 */
@Injectable()
export class DedupeLedger {
  private readonly logger = new Logger(DedupeLedger.name);

  // Each open claim transaction holds a pool connection until its requests' sends settle.
  private readonly claims: Coalescer<ClaimRequest>;

  constructor(
    private readonly ledger: PublishedEventRepository,
    private readonly sentEvents: SentEvents,
    private readonly config: IngestionConfig,
  ) {
    this.claims = new Coalescer<ClaimRequest>((batch) => this.claimTogether(batch), {
      maxWeight: MAX_ROWS_PER_CLAIM,
      weigh: (request) => request.eventIds.length,
      concurrency: Math.max(2, config.DATABASE_POOL_SIZE - CONNECTIONS_FOR_THE_REST),
    });
  }

  /**
   * Claims event ids for publishing; resolves once the ledger answered. The caller must settle
   * the claim, whatever happens to its send.
   */
  claim(eventIds: readonly string[]): Promise<Claim> {
    if (eventIds.length === 0)
      return Promise.resolve({
        fresh: new Set<string>(),
        sendable: Promise.resolve(),
        settle: () => undefined,
      });
    return new Promise<Claim>((claimed, failed) => {
      this.claims.add({ eventIds, claimed, failed }).catch(failed);
    });
  }

  /** Forgets event ids older than the window; answers how many. */
  prune(): Promise<number> {
    return this.ledger.prune(this.config.DEDUPE_WINDOW_HOURS);
  }

  private async claimTogether(batch: readonly ClaimRequest[]): Promise<void> {
    let answered = 0;
    try {
      // Sorted, so concurrent claims lock shared rows in one order and never deadlock.
      const ids = [...new Set(batch.flatMap((request) => request.eventIds))].sort();
      const open = await this.ledger.openClaim(ids, {
        lockTimeoutMs: this.config.PUBLISH_TIMEOUT_MS,
        windowHours: this.config.DEDUPE_WINDOW_HOURS,
      });
      const { fresh, sendable } = await this.freshOf(open);
      const kept = new Set<string>(open.claimed.filter((id) => !fresh.has(id)));
      const stillPending = new Set<string>();
      const settled = batch.map(
        (request) =>
          new Promise<void>((done) => {
            // An id asked for twice in one transaction goes to the first request only (the
            // collect path never has one id in two attempts of a process at once).
            const own = new Set(request.eventIds.filter((id) => fresh.delete(id)));
            answered++;
            request.claimed({
              fresh: own,
              sendable,
              settle: (published, inDoubt = []) => {
                for (const id of published) if (own.has(id)) kept.add(id);
                for (const id of inDoubt) if (own.has(id)) stillPending.add(id);
                done();
              },
            });
          }),
      );
      await Promise.all(settled);
      // A request that failed before its send did not wait for the pending rows; the commit
      // clears them, so it comes after they are written.
      await sendable.catch(() => undefined);
      await open.commit(
        open.claimed.filter((id) => !kept.has(id)),
        [...stillPending].filter((id) => !kept.has(id)),
      );
    } catch (error) {
      for (const request of batch.slice(answered)) request.failed(error);
      // Answered requests have published; a retry of theirs finds its events on the topic.
      if (answered > 0) this.logger.warn(`could not record published event ids: ${(error as Error).message}`);
    }
  }

  /**
   * The claimed ids to send: those an ended claim left pending and Kafka holds count as
   * published. The rest are recorded as pending while the requests resolve their accounts
   * (`sendable`); nothing is sent before. On failure to look the ids up, the claim is rolled back.
   */
  private async freshOf(open: OpenClaim): Promise<{ fresh: Set<string>; sendable: Promise<void> }> {
    let published: Set<string>;
    try {
      published = await this.sentEvents.found(open.inDoubt);
    } catch (error) {
      await open.abandon();
      throw error;
    }
    if (open.inDoubt.size > 0)
      this.logger.warn(
        `${open.inDoubt.size} event id(s) left pending by a claim that ended without settling; ${published.size} found on the topic, the others are sent`,
      );
    const fresh = new Set(open.claimed.filter((id) => !published.has(id)));
    const sendable = open.markPending([...fresh]);
    // Every request of the claim waits on it before sending, and fails without sending if it failed.
    sendable.catch(() => undefined);
    return { fresh, sendable };
  }
}
