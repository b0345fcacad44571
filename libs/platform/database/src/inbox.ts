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
 */
export async function claimInbox<T extends { readonly id: string }>(
  manager: EntityManager,
  schema: string,
  consumer: string,
  events: readonly T[],
): Promise<T[]> {
  const unique = firstOfEachId(events);
  if (unique.length === 0) return [];
  // Sorted: two runs claiming some of the same ids take their row locks in one order.
  const ids = unique.map((e) => e.id).sort();
  const rows: { event_id: string }[] = await manager.query(
    `INSERT INTO ${quoteIdent(schema)}.inbox (consumer, event_id) SELECT $1, unnest($2::text[])
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, ids],
  );
  const fresh = new Set(rows.map((r) => r.event_id));
  return unique.filter((e) => fresh.has(e.id));
}
