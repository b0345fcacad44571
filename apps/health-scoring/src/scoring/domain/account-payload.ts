import { createHash } from 'node:crypto';
import type {
  AccountHealth,
  AccountHealthChangedData,
  AccountSignals,
  AccountUpdatedData,
  HealthBand,
  LifecyclePhase,
  TouchModel,
} from '@tsuzuku/contracts';
import { MeasureResult } from '../../scorecards/domain/health-score.calculator';
import { AccountRow } from './account-row';
import { subscriptionStatusOf } from './event-effects';
import { AccountFacts } from './metrics';

const DAY_MS = 86_400_000;

/** An override as the health carries it. */
export interface OverrideShown {
  readonly score: number;
  readonly reason: string;
  readonly author: string;
  readonly expiresAt: string | null;
}

/** The account's health as its row stands (with the override in force, if any). */
export function healthOf(row: AccountRow, override?: OverrideShown): AccountHealth {
  return {
    score: row.score,
    band: row.band as HealthBand | null,
    computedScore: row.computedScore,
    coverage: row.coverage,
    scorecardId: row.scorecardId,
    override: override
      ? {
          score: override.score,
          reason: override.reason,
          author: override.author,
          expiresAt: override.expiresAt,
        }
      : null,
  };
}

/** Distinct active users in the 30 and 7 days ending at asOf, and in the 7 days before those. */
export interface ActiveUserCounts {
  readonly d30: number;
  readonly d7: number;
  readonly prev7: number;
}

/** The figures alerting and playbooks act on, from the facts the scoring just read. */
export function signalsOf(
  accountFacts: AccountFacts,
  users: ActiveUserCounts | undefined,
  metrics: ReadonlyMap<string, number | null>,
  asOf: Date,
  onboardingCompleted: string | null,
): AccountSignals {
  const today = asOf.toISOString().slice(0, 10);
  const dayBefore = (n: number) => new Date(asOf.getTime() - n * DAY_MS).toISOString().slice(0, 10);
  // Computed once per account, not once per day of its history (the scoring's hot path).
  const [before7, before14, before30] = [dayBefore(7), dayBefore(14), dayBefore(30)];
  let events7d = 0;
  let eventsPrev7d = 0;
  const ticketDays: { day: string; opened: number; p1: number }[] = [];
  for (const d of accountFacts.days) {
    if (d.day > today) continue;
    if (d.day > before7) events7d += d.events;
    else if (d.day > before14) eventsPrev7d += d.events;
    if (d.day > before30 && d.ticketsOpened > 0)
      ticketDays.push({ day: d.day, opened: d.ticketsOpened, p1: d.p1Opened });
  }
  return {
    asOf: asOf.toISOString(),
    metrics: Object.fromEntries(metrics),
    lastSignInAt: accountFacts.lastSignInAt?.toISOString() ?? null,
    activeUsers7d: users?.d7 ?? 0,
    activeUsersPrev7d: users?.prev7 ?? 0,
    activeUsers30d: users?.d30 ?? 0,
    events7d,
    eventsPrev7d,
    ticketDays,
    latestNps: accountFacts.latestNps,
    onboardingCompletedAt: onboardingCompleted,
  };
}

/** What account.updated says, without when it was computed: equal fingerprints say the same. */
export function fingerprintOf(data: AccountUpdatedData): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...data, asOf: null, signals: { ...data.signals, asOf: null } }))
    .digest('base64url');
}

/** The account as cs.accounts.v1 carries it. */
export function accountUpdated(
  row: AccountRow,
  signals: AccountSignals,
  override?: OverrideShown,
): AccountUpdatedData {
  return {
    asOf: signals.asOf,
    backfill: false,
    name: row.name,
    plan: row.plan,
    mrr: row.mrr,
    subscriptionStatus: subscriptionStatusOf(row.subscriptions),
    seats: row.seats,
    renewalDate: row.renewalDate,
    owner: row.owner,
    segment: row.segment,
    industry: row.industry,
    phase: row.phase as LifecyclePhase,
    touchModel: row.touchModel as TouchModel,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    health: healthOf(row, override),
    signals,
    // Only when there is one: a message without it reads as none, and accounts never predicted
    // keep the fingerprint they had before predictions existed.
    ...(row.churnRisk ? { churnRisk: row.churnRisk } : {}),
  };
}

/** The five measures whose points moved most between two scorings, largest move first. */
export function movers(
  before: readonly MeasureResult[],
  after: readonly MeasureResult[],
): AccountHealthChangedData['movers'] {
  const old = new Map(before.map((m) => [m.measureId, m.contribution]));
  return after
    .map((m) => ({
      measureId: m.measureId,
      label: m.label,
      pointsChange: round(m.contribution - (old.get(m.measureId) ?? 0)),
    }))
    .filter((m) => m.pointsChange !== 0)
    .sort((a, b) => Math.abs(b.pointsChange) - Math.abs(a.pointsChange))
    .slice(0, 5);
}

const round = (n: number) => Math.round(n * 10) / 10;
