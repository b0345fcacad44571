import { EntityManager } from 'typeorm';
import { quoteIdent } from './ensure-database';
import { schemaTableSql } from './sql-migration';
import { hasTraceContext, traceHeadersFor } from './outbox-trace';

/** A Kafka message written in the same transaction as the change it announces. */
export interface OutboxMessage {
  readonly topic: string;
  readonly key: string | null;
  /** null publishes a tombstone (compacted topics). */
  readonly value: string | null;
  readonly headers?: Record<string, string>;
  /** The event that caused this one: its row carries that event's trace when no headers name one. */
  readonly causationId?: string | null;
}

/** SQL of the outbox table a service keeps in its own schema. */
export function outboxTableSql(schema: string): { up: string; down: string } {
  return schemaTableSql(
    schema,
    'outbox',
    `
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      message_key text,
      value text,
      headers jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    `,
  );
}

/**
 * Writes messages to the outbox inside the caller's transaction: they are published only if it
 * commits. Each row keeps the W3C trace context it was written in (its causing event's, inside a
 * consumer batch; else the active one), so the relay publishes it in the trace that caused it.
 */
export async function enqueueOutbox(
  manager: EntityManager,
  schema: string,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await manager.query(
    // created_at is the moment of the write (not the transaction's start): the relay publishes it
    // as the message timestamp, so a reader sees when the fact was written.
    `INSERT INTO ${quoteIdent(schema)}.outbox (topic, message_key, value, headers, created_at)
     SELECT *, clock_timestamp() FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.value),
      messages.map((m) =>
        JSON.stringify(
          hasTraceContext(m.headers) ? m.headers : { ...traceHeadersFor(m.causationId), ...m.headers },
        ),
      ),
    ],
  );
  // Wakes the relay at once instead of at its next poll.
  await manager.query(`SELECT pg_notify('tsuzuku_outbox', $1)`, [schema]);
}

export interface OutboxRow {
  readonly id: string;
  readonly topic: string;
  readonly message_key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
  /** When the row was written, in epoch milliseconds (a decimal string, as Kafka timestamps are). */
  readonly written_at: string;
}

/**
 * Claims the oldest unpublished rows for this transaction, in id order. It waits for rows another
 * transaction holds instead of skipping them: a relay that finds the head of the outbox claimed
 * gets nothing later than it until that batch is published or rolled back, so a failed batch is
 * never overtaken (per-key order), even if two relays ever ran at once.
 */
export async function claimOutbox(
  manager: EntityManager,
  schema: string,
  limit: number,
): Promise<OutboxRow[]> {
  return manager.query(
    `SELECT id, topic, message_key, value, headers,
            (EXTRACT(EPOCH FROM created_at) * 1000)::bigint::text AS written_at
     FROM ${quoteIdent(schema)}.outbox
     ORDER BY id LIMIT $1 FOR UPDATE`,
    [limit],
  );
}

/** The newest row now in the outbox, or null when it is empty. */
export async function lastOutboxId(manager: EntityManager, schema: string): Promise<string | null> {
  const [row]: { id: string | null }[] = await manager.query(
    `SELECT max(id)::text AS id FROM ${quoteIdent(schema)}.outbox`,
  );
  return row?.id ?? null;
}

/** Whether rows up to `id` are still unpublished. */
export async function outboxHoldsUpTo(manager: EntityManager, schema: string, id: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM ${quoteIdent(schema)}.outbox WHERE id <= $1::bigint LIMIT 1`,
    [id],
  );
  return rows.length > 0;
}

export async function deleteOutbox(
  manager: EntityManager,
  schema: string,
  ids: readonly string[],
): Promise<void> {
  await manager.query(`DELETE FROM ${quoteIdent(schema)}.outbox WHERE id = ANY($1::bigint[])`, [ids]);
}
