import { WorkspaceSettings } from '../../settings/domain/workspace-settings';
import { AccountRow } from './account-row';
import { AccountFacts, UsageDay } from './metrics';

/** An override in force, as the scoring reads it. */
export interface ActiveOverride {
  readonly id: string;
  readonly score: number;
  readonly reason: string;
  readonly author: string;
  readonly expiresAt: string | null;
}

/** What the scoring reads, beyond the account row, to compute metrics: in bulk for many accounts. */
export interface BulkFacts {
  readonly days: Map<string, UsageDay[]>;
  /** Distinct active users in the 30 and 7 days ending at asOf, and in the 7 days before those. */
  readonly activeUsers: Map<string, { d30: number; d7: number; prev7: number }>;
  readonly tickets: Map<string, { priority: string | null; resolved: boolean }[]>;
  readonly mrrPoints: Map<string, { at: Date; mrr: number }[]>;
  readonly overrides: Map<string, ActiveOverride>;
  readonly lastHistoryAt: Map<string, Date>;
}

/** One account's facts for the metrics, from its row, the bulk facts and its workspace's settings. */
export function factsOf(
  row: AccountRow,
  facts: BulkFacts,
  key: string,
  settings: WorkspaceSettings,
): AccountFacts {
  return {
    seats: row.seats,
    days: facts.days.get(key) ?? [],
    activeUsers: new Map([[30, facts.activeUsers.get(key)?.d30 ?? 0]]),
    lastSignInAt: row.lastSignInAt ? new Date(row.lastSignInAt) : null,
    keyFeatures: settings.keyFeatures,
    featuresUsed: row.featuresUsed,
    milestones: settings.onboardingMilestones,
    onboardingDone: row.onboardingDone,
    recentTickets: facts.tickets.get(key) ?? [],
    latestNps: row.latestNps,
    mrrPoints: facts.mrrPoints.get(key) ?? [],
  };
}
