import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Coalescer } from '@tsuzuku/platform-kafka';
import { IngestionConfig } from '../config/ingestion.config';

export interface MembershipChange {
  readonly actor: string;
  readonly accountId: string;
  readonly at: Date;
}

interface Lookup {
  readonly workspaceId: string;
  readonly messageIds: readonly string[];
  readonly found: Set<string>;
}

interface Recording {
  readonly workspaceId: string;
  readonly messageIds: readonly string[];
}

/** Rows per coalesced statement; a request carries at most a few thousand messageIds. */
const MAX_ROWS_PER_STATEMENT = 20_000;

/** The SQL of the collect path: the messageId window and users' group memberships. */
@Injectable()
export class IngestionStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: IngestionConfig,
  ) {}

  // Concurrent requests share statements: the ledger is on every request's path.
  private readonly lookups = new Coalescer<Lookup>((batch) => this.lookUp(batch), {
    maxWeight: MAX_ROWS_PER_STATEMENT,
    weigh: (l) => l.messageIds.length,
    concurrency: 2,
  });
  private readonly recordings = new Coalescer<Recording>((batch) => this.insert(batch), {
    maxWeight: MAX_ROWS_PER_STATEMENT,
    weigh: (r) => r.messageIds.length,
    concurrency: 2,
  });

  /** The messageIds among these that Kafka acknowledged within the deduplication window. */
  async publishedMessageIds(workspaceId: string, messageIds: readonly string[]): Promise<Set<string>> {
    const lookup: Lookup = { workspaceId, messageIds, found: new Set() };
    if (messageIds.length > 0) await this.lookups.add(lookup);
    return lookup.found;
  }

  /** Records messageIds that Kafka acknowledged. */
  async recordPublished(workspaceId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length > 0) await this.recordings.add({ workspaceId, messageIds });
  }

  private async lookUp(batch: Lookup[]): Promise<void> {
    const rows: { workspace_id: string; message_id: string }[] = await this.dataSource.query(
      `SELECT d.workspace_id, d.message_id
       FROM unnest($1::text[], $2::text[]) AS k(workspace_id, message_id)
       JOIN ingestion.dedupe d USING (workspace_id, message_id)
       WHERE d.received_at > now() - make_interval(hours => $3)`,
      [...pairs(batch), this.config.DEDUPE_WINDOW_HOURS],
    );
    const askedBy = new Map<string, Lookup[]>();
    for (const l of batch)
      for (const id of l.messageIds) {
        const key = `${l.workspaceId}\u0000${id}`;
        askedBy.set(key, [...(askedBy.get(key) ?? []), l]);
      }
    for (const row of rows)
      for (const l of askedBy.get(`${row.workspace_id}\u0000${row.message_id}`) ?? [])
        l.found.add(row.message_id);
  }

  private async insert(batch: Recording[]): Promise<void> {
    // A row older than the window that the pruner has not reached yet starts a new window.
    await this.dataSource.query(
      `INSERT INTO ingestion.dedupe AS d (workspace_id, message_id)
       SELECT DISTINCT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (workspace_id, message_id) DO UPDATE SET received_at = now()`,
      pairs(batch),
    );
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

  /** Forgets messageIds older than the window. */
  async pruneDedupe(windowHours: number): Promise<number> {
    const result: [unknown, number] = await this.dataSource.query(
      `DELETE FROM ingestion.dedupe WHERE received_at < now() - make_interval(hours => $1)`,
      [windowHours],
    );
    return result[1];
  }
}

/** Column arrays (workspace ids, message ids) for unnest. */
function pairs(
  batch: readonly { workspaceId: string; messageIds: readonly string[] }[],
): [string[], string[]] {
  const workspaces: string[] = [];
  const messageIds: string[] = [];
  for (const { workspaceId, messageIds: ids } of batch)
    for (const id of ids) {
      workspaces.push(workspaceId);
      messageIds.push(id);
    }
  return [workspaces, messageIds];
}
