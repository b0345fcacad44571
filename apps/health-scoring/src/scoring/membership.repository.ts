import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { CustomerEvent, Membership, actorOf, membershipKey } from './domain/account-attribution';

const SQL = defineStatements('health-scoring.memberships', {
  upsertMemberships: `
    INSERT INTO health_scoring.memberships AS ms (workspace_id, user_id, account_id, joined_at)
    SELECT * FROM ${recordset({ workspaceId: 'text', userId: 'text', accountId: 'text', at: 'timestamptz' })}
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
      WHERE ms.joined_at <= EXCLUDED.joined_at`,
  accountsOfUsers: `
    SELECT workspace_id, user_id, account_id FROM health_scoring.memberships
    JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, user_id) USING (workspace_id, user_id)`,
  keepUnattributed: `
    INSERT INTO health_scoring.unattributed_events (workspace_id, user_id, event_id, envelope)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
  releaseUnattributed: `
    DELETE FROM health_scoring.unattributed_events u
    USING ${recordset({ workspaceId: 'text', userId: 'text', accountId: 'text' })}
    WHERE u.workspace_id = r."workspaceId" AND u.user_id = r."userId"
    RETURNING u.envelope, r."accountId" AS account_id`,
});

/** Which account each user belongs to, and the events kept until their user's account is known. */
@Injectable()
export class MembershipRepository {
  /** Records memberships; an older statement never replaces a newer one. */
  async upsert(m: EntityManager, memberships: readonly Membership[]): Promise<void> {
    if (memberships.length === 0) return;
    await m.query(SQL.upsertMemberships, [recordsetParam(memberships)]);
  }

  /** The known account of each event's actor, by membershipKey. */
  async accountsOfActors(m: EntityManager, events: readonly CustomerEvent[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (events.length === 0) return out;
    const rows: { workspace_id: string; user_id: string; account_id: string }[] = await m.query(
      SQL.accountsOfUsers,
      [events.map((e) => e.workspaceId), events.map((e) => actorOf(e) ?? '')],
    );
    for (const r of rows) out.set(membershipKey(r.workspace_id, r.user_id), r.account_id);
    return out;
  }

  /** Keeps events whose user's account is not known yet. */
  async keepUnattributed(m: EntityManager, events: readonly CustomerEvent[]): Promise<void> {
    if (events.length === 0) return;
    await m.query(SQL.keepUnattributed, [
      events.map((e) => e.workspaceId),
      events.map((e) => actorOf(e)),
      events.map((e) => e.id),
      events.map((e) => JSON.stringify(e)),
    ]);
  }

  /** Takes the kept events of the users these memberships name, each with its account now known. */
  async releaseUnattributed(
    m: EntityManager,
    memberships: readonly Membership[],
  ): Promise<{ event: CustomerEvent; accountId: string }[]> {
    if (memberships.length === 0) return [];
    const rows = returnedRows<{ envelope: CustomerEvent; account_id: string }>(
      await m.query(SQL.releaseUnattributed, [recordsetParam(memberships)]),
    );
    return rows.map((r) => ({ event: r.envelope, accountId: r.account_id }));
  }
}
