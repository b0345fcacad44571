import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface MembershipChange {
  readonly actor: string;
  readonly accountId: string;
  readonly at: Date;
}

/** The SQL of the collect path: the messageId window and users' group memberships. */
export class CollectTransaction {
  constructor(private readonly manager: EntityManager) {}

  /** Claims messageIds for the window; resolves to those not seen before (the ones to publish). */
  async claimMessageIds(workspaceId: string, messageIds: readonly string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows: { message_id: string }[] = await this.manager.query(
      `INSERT INTO ingestion.dedupe (workspace_id, message_id)
       SELECT $1, m FROM unnest($2::text[]) AS m
       ON CONFLICT DO NOTHING
       RETURNING message_id`,
      [workspaceId, messageIds],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  async membershipsOf(workspaceId: string, actors: readonly string[]): Promise<Map<string, string>> {
    if (actors.length === 0) return new Map();
    const rows: { actor: string; account_id: string }[] = await this.manager.query(
      'SELECT actor, account_id FROM ingestion.memberships WHERE workspace_id = $1 AND actor = ANY($2::text[])',
      [workspaceId, actors],
    );
    return new Map(rows.map((r) => [r.actor, r.account_id]));
  }

  /** Records each actor's latest group by event time; an older group call never overwrites a newer one. */
  async recordMemberships(workspaceId: string, changes: readonly MembershipChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.manager.query(
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
}

@Injectable()
export class IngestionStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: CollectTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new CollectTransaction(manager)));
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
