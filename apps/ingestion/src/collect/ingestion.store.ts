import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { Coalescer } from '@tsuzuku/platform-kafka';
import { IngestionConfig } from '../config/ingestion.config';

export interface MembershipChange {
  readonly actor: string;
  readonly accountId: string;
  readonly at: Date;
}

/**
 * Event ids this request may publish, held by an open transaction until every request that
 * shares it has settled. `fresh` are the ids not published within the window; the rest are
 * repeats. `settle` keeps the ids Kafka acknowledged and gives up the others.
 */
export interface Claim {
  readonly fresh: ReadonlySet<string>;
  settle(published: readonly string[]): void;
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
 * The SQL of the collect path: the deduplication ledger and users' group memberships.
 *
 * The ledger (`published_events`) holds the event ids Kafka acknowledged within the window. An
 * attempt inserts its ids in a transaction that stays open while Kafka answers: the ids Kafka
 * took are committed, the others deleted before the commit, and if the process dies the
 * transaction rolls back by itself. Another attempt with the same id, on any instance, waits on
 * the row until then, so an id is never published twice and never counted as published when it
 * was not.
 */
@Injectable()
export class IngestionStore {
  private readonly logger = new Logger(IngestionStore.name);

  // Concurrent requests share claim transactions; each open one holds a pool connection until
  // its requests' sends settle.
  private readonly claims: Coalescer<ClaimRequest>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    if (eventIds.length === 0) return Promise.resolve({ fresh: new Set<string>(), settle: () => undefined });
    return new Promise<Claim>((claimed, failed) => {
      this.claims.add({ eventIds, claimed, failed }).catch(failed);
    });
  }

  private async claimTogether(batch: readonly ClaimRequest[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    let answered = 0;
    try {
      const client = (await runner.connect()) as PoolClient;
      // Sorted, so concurrent claims lock shared rows in one order and never deadlock.
      const ids = [...new Set(batch.flatMap((request) => request.eventIds))].sort();
      // One round trip before the send, so the ids go in as a literal (they are UUIDs we
      // formatted, checked again here). A row held by another attempt is waited for at most
      // PUBLISH_TIMEOUT_MS; a row older than the window that the pruner has not reached yet
      // starts a new window.
      const results = (await client.query(
        `BEGIN;
         SET LOCAL lock_timeout = '${Math.trunc(this.config.PUBLISH_TIMEOUT_MS)}ms';
         INSERT INTO ingestion.published_events AS p (event_id)
         SELECT unnest('${uuidArrayLiteral(ids)}'::uuid[])
         ON CONFLICT (event_id) DO UPDATE SET received_at = now()
           WHERE p.received_at <= now() - make_interval(hours => ${Math.trunc(this.config.DEDUPE_WINDOW_HOURS)})
         RETURNING event_id`,
      )) as unknown as QueryResult<{ event_id: string }>[];
      const rows = results[results.length - 1]!.rows;
      const claimed = new Set(rows.map((row) => row.event_id));
      const kept = new Set<string>();
      const settled = batch.map(
        (request) =>
          new Promise<void>((done) => {
            // An id asked for twice in one transaction goes to the first request only (the
            // collect path never has one id in two attempts of a process at once).
            const fresh = new Set(request.eventIds.filter((id) => claimed.delete(id)));
            answered++;
            request.claimed({
              fresh,
              settle: (published) => {
                for (const id of published) if (fresh.has(id)) kept.add(id);
                done();
              },
            });
          }),
      );
      await Promise.all(settled);
      const dropped = rows.map((row) => row.event_id).filter((id) => !kept.has(id));
      await client.query(
        dropped.length > 0
          ? `DELETE FROM ingestion.published_events WHERE event_id = ANY('${uuidArrayLiteral(dropped)}'::uuid[]);
             COMMIT`
          : 'COMMIT',
      );
    } catch (error) {
      // Outside a transaction, ROLLBACK only warns.
      await runner.query('ROLLBACK').catch(() => undefined);
      for (const request of batch.slice(answered)) request.failed(error);
      // Answered requests have published; a retry of theirs may publish again, and consumers
      // drop the repeat by event id.
      if (answered > 0) this.logger.warn(`could not record published event ids: ${(error as Error).message}`);
    } finally {
      await runner.release();
    }
  }

  async membershipsOf(workspaceId: string, actors: readonly string[]): Promise<Map<string, string>> {
    if (actors.length === 0) return new Map();
    const rows: { actor: string; account_id: string }[] = await this.dataSource.query(
      'SELECT actor, account_id FROM ingestion.memberships WHERE workspace_id = $1 AND actor = ANY($2::text[])',
      [workspaceId, actors],
    );
    return new Map(rows.map((r) => [r.actor, r.account_id]));
  }

  /** Records each actor's latest group by event time; an older group call never overwrites a newer one. */
  async recordMemberships(workspaceId: string, changes: readonly MembershipChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO ingestion.memberships AS m (workspace_id, actor, account_id, joined_at)
       SELECT $1, c.actor, c.account_id, c.joined_at
       FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS c(actor, account_id, joined_at)
       ON CONFLICT (workspace_id, actor) DO UPDATE
         SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
         WHERE m.joined_at <= EXCLUDED.joined_at`,
      [
        workspaceId,
        changes.map((c) => c.actor),
        changes.map((c) => c.accountId),
        changes.map((c) => c.at.toISOString()),
      ],
    );
  }

  /** Forgets event ids older than the window. */
  async pruneDedupe(windowHours: number): Promise<number> {
    const result: [unknown, number] = await this.dataSource.query(
      `DELETE FROM ingestion.published_events WHERE received_at < now() - make_interval(hours => $1)`,
      [windowHours],
    );
    return result[1];
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Postgres array literal of UUIDs, refusing anything that is not one. */
function uuidArrayLiteral(ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not an event id: ${JSON.stringify(id)}`);
  return `{${ids.join(',')}}`;
}
