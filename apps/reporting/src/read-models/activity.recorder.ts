import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { monthDate, monthOf } from '../kpis/domain/month';
import { ActivityRepository } from './activity.repository';
import type { ActivityTouch } from './domain/event-rows';

const popcount = (n: number): number => {
  let bits = 0;
  for (let v = n >>> 0; v; v &= v - 1) bits++;
  return bits;
};

/**
 * Records who was active on which UTC day of a month (a bit per day): per account and user, for slices;
 * per user across the workspace, for MAU and DAU; and the workspace's month totals, kept by
 * delta as users and days appear, so that the unsliced KPI query reads one row per month.
 */
@Injectable()
export class ActivityRecorder {
  constructor(private readonly repository: ActivityRepository) {}

  async record(m: EntityManager, touches: readonly ActivityTouch[]): Promise<void> {
    if (touches.length === 0) return;
    const userDays = new Map<
      string,
      { ws: string; month: string; account: string; user: string; days: number }
    >();
    const accounts = new Map<string, { ws: string; month: string; account: string }>();
    const users = new Map<string, { ws: string; month: string; user: string; days: number }>();
    for (const t of touches) {
      const month = monthDate(monthOf(t.at));
      const bit = 1 << (new Date(t.at).getUTCDate() - 1);
      accounts.set(`${t.workspaceId}\u0000${month}\u0000${t.accountId}`, {
        ws: t.workspaceId,
        month,
        account: t.accountId,
      });
      if (t.userId === null) continue;
      const k = `${t.workspaceId}\u0000${month}\u0000${t.accountId}\u0000${t.userId}`;
      const known = userDays.get(k);
      userDays.set(k, {
        ws: t.workspaceId,
        month,
        account: t.accountId,
        user: t.userId,
        days: (known?.days ?? 0) | bit,
      });
      const u = `${t.workspaceId}\u0000${month}\u0000${t.userId}`;
      users.set(u, { ws: t.workspaceId, month, user: t.userId, days: (users.get(u)?.days ?? 0) | bit });
    }
    const sorted = <T>(map: Map<string, T>) =>
      [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    await this.repository.lockWorkspaces(
      m,
      [...accounts.values()].map((a) => a.ws),
    );
    await this.repository.addUserDays(m, sorted(userDays));
    const newAccounts = await this.repository.insertAccounts(m, sorted(accounts));
    const totals = new Map<
      string,
      { ws: string; month: string; accounts: number; users: number; userDays: number }
    >();
    const total = (ws: string, month: string) => {
      const k = `${ws}\u0000${month}`;
      const t = totals.get(k) ?? { ws, month, accounts: 0, users: 0, userDays: 0 };
      totals.set(k, t);
      return t;
    };
    for (const a of newAccounts) total(a.ws, a.month).accounts++;
    if (users.size > 0) {
      const list = sorted(users);
      const before = await this.repository.userDays(
        m,
        list.map(({ ws, month, user }) => ({ ws, month, user })),
      );
      const old = new Map(before.map((b) => [`${b.ws}\u0000${b.month}\u0000${b.user}`, b.days]));
      const changed: typeof list = [];
      for (const u of list) {
        const was = old.get(`${u.ws}\u0000${u.month}\u0000${u.user}`);
        const now = (was ?? 0) | u.days;
        if (was === now) continue;
        const t = total(u.ws, u.month);
        if (was === undefined) t.users++;
        t.userDays += popcount(now) - popcount(was ?? 0);
        changed.push({ ...u, days: now });
      }
      await this.repository.upsertUsers(m, changed);
    }
    const deltas = sorted(totals).filter((t) => t.accounts || t.users || t.userDays);
    await this.repository.addToTotals(m, deltas);
  }
}
