import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { affectedCount, defineStatements } from '@tsuzuku/platform-database';

/**
 * The claim runs before the send in one round trip, and a text of several statements takes no
 * parameters: its slots in braces are filled with literals this file formats and checks (whole
 * numbers, and UUIDs that collect formatted itself).
 */
const SQL = defineStatements('ingestion.published-events', {
  // A row held by another attempt is waited for at most {lockTimeoutMs}; a row older than the
  // window that the pruner has not reached yet starts a new window. The pending sends are read
  // by a statement of their own, after the insert has waited out any other claim of the ids:
  // its snapshot sees the rows that claim committed before it sent.
  claim: `
    BEGIN;
    SET LOCAL lock_timeout = '{lockTimeoutMs}ms';
    INSERT INTO ingestion.published_events AS p (event_id)
    SELECT unnest('{eventIds}'::uuid[])
    ON CONFLICT (event_id) DO UPDATE SET received_at = now()
      WHERE p.received_at <= now() - make_interval(hours => {windowHours})
    RETURNING event_id;
    SELECT event_id, sent_after FROM ingestion.pending_sends WHERE event_id = ANY('{eventIds}'::uuid[])`,
  // Committed on a connection of its own before the send, so that it outlives the claim.
  markPending: `
    INSERT INTO ingestion.pending_sends (event_id)
    SELECT unnest($1::uuid[])
    ON CONFLICT (event_id) DO UPDATE SET sent_after = now()`,
  settleAndCommit: `
    DELETE FROM ingestion.published_events WHERE event_id = ANY('{unpublished}'::uuid[]);
    DELETE FROM ingestion.pending_sends WHERE event_id = ANY('{settled}'::uuid[]);
    COMMIT`,
  rollback: 'ROLLBACK',
  prune: `
    DELETE FROM ingestion.published_events
     WHERE received_at < now() - make_interval(hours => $1)`,
  prunePending: `
    DELETE FROM ingestion.pending_sends
     WHERE sent_after < now() - make_interval(hours => $1)`,
});

/** How long a claim waits for another attempt's rows, and how long an id stays claimed. */
export interface ClaimTerms {
  readonly lockTimeoutMs: number;
  readonly windowHours: number;
}

/** A claim transaction still open: the ids it inserted (or renewed), held until `commit`. */
export interface OpenClaim {
  readonly claimed: readonly string[];
  /**
   * The claimed ids that an earlier claim began to send and never settled, with when it began:
   * Kafka may hold them.
   */
  readonly inDoubt: ReadonlyMap<string, Date>;
  /**
   * Records, on a connection of its own, that the ids are being sent: committed at once, so that
   * a claim that dies before its commit leaves them in doubt for the next claim.
   */
  markPending(eventIds: readonly string[]): Promise<void>;
  /**
   * Forgets the claimed ids that were not published, clears the pending sends of the claimed ids
   * but `stillPending` (sends that failed: Kafka may hold them), and commits; on failure rolls
   * back (so nothing is counted as published) and throws. Releases the connection either way.
   */
  commit(unpublished: readonly string[], stillPending?: readonly string[]): Promise<void>;
  /** Rolls back: nothing of the claim is kept. Releases the connection. */
  abandon(): Promise<void>;
}

/**
 * ingestion.published_events: the deduplication ledger, the event ids Kafka acknowledged within
 * the window. A claim is a transaction left open while Kafka answers; another attempt with the
 * same id, on any instance, waits on the row until it commits or rolls back.
 */
@Injectable()
export class PublishedEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Opens a claim transaction on the ids (sorted by the caller, so claims never deadlock). */
  async openClaim(eventIds: readonly string[], terms: ClaimTerms): Promise<OpenClaim> {
    const runner = this.dataSource.createQueryRunner();
    let client: PoolClient | undefined;
    try {
      client = (await runner.connect()) as PoolClient;
      const results = (await client.query(
        fill(SQL.claim, {
          lockTimeoutMs: wholeNumber(terms.lockTimeoutMs),
          windowHours: wholeNumber(terms.windowHours),
          eventIds: uuidArrayLiteral(eventIds),
        }),
      )) as unknown as QueryResult[];
      const claimed = (results[results.length - 2]!.rows as { event_id: string }[]).map(
        (row) => row.event_id,
      );
      const pending = new Map(
        (results[results.length - 1]!.rows as { event_id: string; sent_after: Date }[]).map((row) => [
          row.event_id,
          row.sent_after,
        ]),
      );
      const inDoubt = new Map(
        claimed.flatMap((id) => (pending.has(id) ? [[id, pending.get(id)!] as const] : [])),
      );
      const open = client;
      return {
        claimed,
        inDoubt,
        markPending: async (ids) => {
          if (ids.length > 0) await this.dataSource.query(SQL.markPending, [ids]);
        },
        commit: async (unpublished, stillPending = []) => {
          const keepPending = new Set(stillPending);
          try {
            await open.query(
              fill(SQL.settleAndCommit, {
                unpublished: uuidArrayLiteral(unpublished),
                settled: uuidArrayLiteral(claimed.filter((id) => !keepPending.has(id))),
              }),
            );
          } catch (error) {
            await rollBack(open);
            throw error;
          } finally {
            await runner.release();
          }
        },
        abandon: async () => {
          await rollBack(open);
          await runner.release();
        },
      };
    } catch (error) {
      if (client) await rollBack(client);
      await runner.release();
      throw error;
    }
  }

  /**
   * Forgets event ids older than the window, and pending sends as old (whose events a repeat
   * could not be dropped for any more); answers how many ids.
   */
  async prune(windowHours: number): Promise<number> {
    await this.dataSource.query(SQL.prunePending, [windowHours]);
    return affectedCount(await this.dataSource.query(SQL.prune, [windowHours]));
  }
}

// Outside a transaction, ROLLBACK only warns; a broken connection has nothing to roll back.
async function rollBack(client: PoolClient): Promise<void> {
  await client.query(SQL.rollback).catch(() => undefined);
}

/** The statement with each {slot} replaced; a slot left unfilled is a bug, not a query. */
function fill(template: string, values: Readonly<Record<string, string>>): string {
  const text = template.replace(/\{(\w+)\}/g, (slot, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${slot} in a ledger statement`);
    return value;
  });
  return text;
}

function wholeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a number for a ledger statement: ${value}`);
  return String(Math.trunc(value));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Postgres array literal of UUIDs, refusing anything that is not one. */
function uuidArrayLiteral(ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not an event id: ${JSON.stringify(id)}`);
  return `{${ids.join(',')}}`;
}
