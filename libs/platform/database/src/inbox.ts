import { EntityManager } from 'typeorm';
import { quoteIdent } from './ensure-database';
import { schemaTableSql } from './sql-migration';

/** SQL of the inbox table each consuming service keeps in its own schema. */
export function inboxTableSql(schema: string): { up: string; down: string } {
  return schemaTableSql(
    schema,
    'inbox',
    `
      consumer text NOT NULL,
      event_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    `,
  );
}

/** The first of each id, in the order given: a message delivered twice in one run counts once. */
export function firstOfEachId<T extends { readonly id: string }>(events: readonly T[]): T[] {
  const firsts = new Map<string, T>();
  for (const event of events) if (!firsts.has(event.id)) firsts.set(event.id, event);
  return [...firsts.values()];
}

/**
 * Claims a run of events for a consumer, inside the transaction of its effect, and returns those
 * to apply: in their order, each id once, none that an earlier run already claimed. A repeat
 * inside the run and a redelivery or replay of an earlier one are both left out, so each event
 * takes effect exactly once; if the transaction rolls back, so do its claims.
 *
 * `idempotent` names the events whose effect is the same however often it is applied (their
 * consumer has decided it, e.g. a bit set on a day or the latest of two times kept): they are
 * returned without a claim, so they cost no inbox row; a repeat inside the run is still left out.
 */
export async function claimInbox<T extends { readonly id: string }>(
  manager: EntityManager,
  schema: string,
  consumer: string,
  events: readonly T[],
  idempotent: (event: T) => boolean = () => false,
): Promise<T[]> {
  const unique = firstOfEachId(events);
  const claimed = new Set(unique.filter((e) => !idempotent(e)).map((e) => e.id));
  if (claimed.size === 0) return unique;
  // Sorted: two runs claiming some of the same ids take their row locks in one order.
  const ids = [...claimed].sort();
  const rows: { event_id: string }[] = await manager.query(
    `INSERT INTO ${quoteIdent(schema)}.inbox (consumer, event_id) SELECT $1, unnest($2::text[])
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, ids],
  );
  const fresh = new Set(rows.map((r) => r.event_id));
  return unique.filter((e) => !claimed.has(e.id) || fresh.has(e.id));
}
