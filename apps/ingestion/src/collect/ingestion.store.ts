import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface MembershipChange {
  readonly actor: string;
  readonly accountId: string;
  readonly at: Date;
}

export interface MessageIdClaim {
  /** Claimed by this attempt: publish them. */
  readonly claimed: Set<string>;
  /** Already published: acknowledge without publishing again. */
  readonly published: Set<string>;
  /** Claimed by an earlier attempt that Kafka has not answered yet. */
  readonly pending: Set<string>;
}

/** The SQL of the collect path: the messageId window and users' group memberships. */
@Injectable()
export class IngestionStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims messageIds for one attempt. A pending claim older than `staleAfterMs` belongs to an
   * attempt that died without an answer from Kafka: it is taken over (a duplicate is then
   * possible on the topic, and consumers drop it by event id).
   */
  async claimMessageIds(
    workspaceId: string,
    messageIds: readonly string[],
    staleAfterMs: number,
  ): Promise<MessageIdClaim> {
    const claim: MessageIdClaim = { claimed: new Set(), published: new Set(), pending: new Set() };
    if (messageIds.length === 0) return claim;
    const rows: { message_id: string }[] = await this.dataSource.query(
      `INSERT INTO ingestion.dedupe AS d (workspace_id, message_id, state)
       SELECT $1, m, 'pending' FROM unnest($2::text[]) AS m
       ON CONFLICT (workspace_id, message_id) DO UPDATE SET received_at = now()
         WHERE d.state = 'pending' AND d.received_at < now() - make_interval(secs => $3::double precision / 1000)
       RETURNING message_id`,
      [workspaceId, messageIds, staleAfterMs],
    );
    for (const row of rows) claim.claimed.add(row.message_id);
    const others = messageIds.filter((id) => !claim.claimed.has(id));
    if (others.length > 0) {
      const states: { message_id: string; state: string }[] = await this.dataSource.query(
        'SELECT message_id, state FROM ingestion.dedupe WHERE workspace_id = $1 AND message_id = ANY($2::text[])',
        [workspaceId, others],
      );
      for (const row of states)
        (row.state === 'published' ? claim.published : claim.pending).add(row.message_id);
    }
    return claim;
  }

  async markPublished(workspaceId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE ingestion.dedupe SET state = 'published' WHERE workspace_id = $1 AND message_id = ANY($2::text[])`,
      [workspaceId, messageIds],
    );
  }

  /** Gives claims back after Kafka refused the attempt, so a retry publishes them. */
  async release(workspaceId: string, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.dataSource.query(
      `DELETE FROM ingestion.dedupe WHERE workspace_id = $1 AND message_id = ANY($2::text[]) AND state = 'pending'`,
      [workspaceId, messageIds],
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
