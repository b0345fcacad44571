import { EntityManager } from 'typeorm';
import { quoteIdent } from './ensure-database';

/** SQL of the inbox table each consuming service keeps in its own schema. */
export function inboxTableSql(schema: string): { up: string; down: string } {
  const table = `${quoteIdent(schema)}.inbox`;
  return {
    up: `CREATE TABLE ${table} (
      consumer text NOT NULL,
      event_id text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`,
    down: `DROP TABLE ${table}`,
  };
}

/**
 * Records that a consumer processed an event, inside the transaction of its effect. False when it
 * had already been processed: the caller then skips the effect, so a redelivery changes nothing.
 */
export async function claimInbox(
  manager: EntityManager,
  schema: string,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${quoteIdent(schema)}.inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, eventId],
  );
  return rows.length === 1;
}
