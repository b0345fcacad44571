import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';

const sql = defineStatements('reporting.activity', {
  lockWorkspace: 'SELECT pg_advisory_xact_lock(hashtext($1))',
  addUserDays: `
    INSERT INTO reporting.activity_user_days AS d (workspace_id, month, account_id, user_id, days)
    SELECT ws, month, account, "user", days
    FROM ${recordset({ ws: 'text', month: 'date', account: 'text', user: 'text', days: 'int' })}
    ON CONFLICT (workspace_id, month, account_id, user_id) DO UPDATE SET days = d.days | EXCLUDED.days
    WHERE d.days | EXCLUDED.days <> d.days`,
  insertAccounts: `
    INSERT INTO reporting.activity_accounts (workspace_id, month, account_id)
    SELECT ws, month, account FROM ${recordset({ ws: 'text', month: 'date', account: 'text' })}
    ON CONFLICT DO NOTHING RETURNING workspace_id AS ws, month::text AS month`,
  userDays: `
    SELECT u.workspace_id AS ws, u.month::text AS month, u.user_id AS "user", u.days
    FROM reporting.activity_users u
    JOIN ${recordset({ ws: 'text', month: 'date', user: 'text' })}
      ON u.workspace_id = r.ws AND u.month = r.month AND u.user_id = r."user"`,
  upsertUsers: `
    INSERT INTO reporting.activity_users AS u (workspace_id, month, user_id, days)
    SELECT ws, month, "user", days FROM ${recordset({ ws: 'text', month: 'date', user: 'text', days: 'int' })}
    ON CONFLICT (workspace_id, month, user_id) DO UPDATE SET days = EXCLUDED.days`,
  addToTotals: `
    INSERT INTO reporting.activity_totals AS t (workspace_id, month, active_accounts, users, user_days)
    SELECT ws, month, accounts, users, "userDays"
    FROM ${recordset({ ws: 'text', month: 'date', accounts: 'int', users: 'int', userDays: 'int' })}
    ON CONFLICT (workspace_id, month) DO UPDATE SET active_accounts = t.active_accounts + EXCLUDED.active_accounts,
      users = t.users + EXCLUDED.users, user_days = t.user_days + EXCLUDED.user_days`,
});

/** A user's active days of a month (a bit per UTC day). */
export interface UserDays {
  readonly ws: string;
  readonly month: string;
  readonly user: string;
  readonly days: number;
}

/**
 * Who was active on which day of a month: per account and user, per user across the workspace,
 * and the workspace's month totals. Every method runs in the caller's transaction; rows are
 * written in the order given (the caller sorts them, so concurrent writers never deadlock).
 */
@Injectable()
export class ActivityRepository {
  /** Serialises the activity writes of these workspaces until the transaction ends. */
  async lockWorkspaces(m: EntityManager, workspaceIds: Iterable<string>): Promise<void> {
    for (const ws of [...new Set(workspaceIds)].sort())
      await m.query(sql.lockWorkspace, [`reporting.activity:${ws}`]);
  }

  async addUserDays(
    m: EntityManager,
    rows: readonly { ws: string; month: string; account: string; user: string; days: number }[],
  ): Promise<void> {
    if (rows.length > 0) await m.query(sql.addUserDays, [recordsetParam(rows)]);
  }

  /** Records active accounts, answering those new to their month. */
  insertAccounts(
    m: EntityManager,
    rows: readonly { ws: string; month: string; account: string }[],
  ): Promise<{ ws: string; month: string }[]> {
    return m.query(sql.insertAccounts, [recordsetParam(rows)]);
  }

  /** The stored days of these users in these months. */
  userDays(
    m: EntityManager,
    keys: readonly { ws: string; month: string; user: string }[],
  ): Promise<UserDays[]> {
    return m.query(sql.userDays, [recordsetParam(keys)]);
  }

  async upsertUsers(m: EntityManager, rows: readonly UserDays[]): Promise<void> {
    if (rows.length > 0) await m.query(sql.upsertUsers, [recordsetParam(rows)]);
  }

  async addToTotals(
    m: EntityManager,
    deltas: readonly { ws: string; month: string; accounts: number; users: number; userDays: number }[],
  ): Promise<void> {
    if (deltas.length > 0) await m.query(sql.addToTotals, [recordsetParam(deltas)]);
  }
}
