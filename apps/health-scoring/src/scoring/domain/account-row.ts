import type { ChurnRisk } from '@tsuzuku/contracts';
import { StoredMeasure } from '../../scorecards/domain/stored-measures';

/** An account row as the scoring reads and writes it. */
export interface AccountRow {
  workspaceId: string;
  accountId: string;
  name: string | null;
  plan: string | null;
  mrr: number | null;
  seats: number | null;
  renewalDate: string | null;
  /** The CSM's email: the accounts API or a group call's csm_email set it, the latest by time. */
  owner: string | null;
  /** When the owner was last set (event time of a group call, or the moment of an assignment). */
  ownerAt: string | null;
  segment: string | null;
  industry: string | null;
  traits: Record<string, unknown>;
  /**
   * Per trait (a group call's trait name, and "mrr" also for subscription events), the event time
   * of the value held: a value from an older event arriving late does not replace a newer one.
   */
  traitsAt: Record<string, string>;
  touchTrait: string | null;
  phaseTrait: string | null;
  expansion: boolean;
  onboardingDone: string[];
  /** Event time at which each onboarding step was first completed. */
  onboardingStepsAt: Record<string, string>;
  /** Each subscription's state after its latest event by event time (id '' for events naming none). */
  subscriptions: Record<string, { active: boolean; at: string }>;
  featuresUsed: string[];
  firstSeenAt: string;
  lastSeenAt: string | null;
  lastSignInAt: string | null;
  latestNps: number | null;
  latestNpsAt: string | null;
  phase: string;
  touchModel: string;
  computedScore: number | null;
  score: number | null;
  band: string | null;
  coverage: number;
  scorecardId: string | null;
  measures: StoredMeasure[];
  scoredAt: string | null;
  /** Fingerprint of the last account.updated published for the account (see fingerprintOf). */
  publishedFingerprint: string | null;
  /**
   * When its last subscription in force ended (event time): it keeps the score it had then and is
   * not rescored while this is set; null while subscribed, never subscribed, or back again.
   */
  churnedAt: string | null;
  /**
   * The churn model's latest prediction for the account (null: none). Written by the churn model's
   * training only (ChurnModelRepository); the scoring reads it to announce it and never writes it.
   */
  churnRisk: ChurnRisk | null;
}

/** The row of an account first seen in an event at `firstSeenAt`: no profile, never scored. */
export function newAccount(workspaceId: string, accountId: string, firstSeenAt: string): AccountRow {
  return {
    workspaceId,
    accountId,
    name: null,
    plan: null,
    mrr: null,
    seats: null,
    renewalDate: null,
    owner: null,
    ownerAt: null,
    segment: null,
    industry: null,
    traits: {},
    traitsAt: {},
    touchTrait: null,
    phaseTrait: null,
    expansion: false,
    onboardingDone: [],
    onboardingStepsAt: {},
    subscriptions: {},
    featuresUsed: [],
    firstSeenAt,
    lastSeenAt: null,
    lastSignInAt: null,
    latestNps: null,
    latestNpsAt: null,
    phase: 'onboarding',
    touchModel: 'tech',
    computedScore: null,
    score: null,
    band: null,
    coverage: 0,
    scorecardId: null,
    measures: [],
    scoredAt: null,
    publishedFingerprint: null,
    churnedAt: null,
    churnRisk: null,
  };
}

/**
 * Sets the account's owner as of `at` unless a later change set it already: the latest by time
 * wins, whether a group call (its event time) or an assignment through the API (its moment) set
 * it, so a group call arriving late does not undo a newer assignment. True when it applied.
 */
export function assignOwner(row: AccountRow, owner: string | null, at: string): boolean {
  if (row.ownerAt !== null && Date.parse(row.ownerAt) > Date.parse(at)) return false;
  row.owner = owner;
  row.ownerAt = at;
  return true;
}
