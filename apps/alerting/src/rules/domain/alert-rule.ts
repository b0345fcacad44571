import {
  AlertRuleType,
  AlertSeverity,
  HealthBand,
  LifecyclePhase,
  TouchModel,
  includesTraitValue,
} from '@tsuzuku/contracts';

/** score_below: the score under a threshold, or the band red (either is enough). */
export interface ScoreBelowParams {
  readonly threshold: number | null;
  readonly onRedBand: boolean;
}

/** score_drop: the score at least `points` under its highest of the last `days` days. */
export interface ScoreDropParams {
  readonly points: number;
  readonly days: number;
}

/** inactivity: no sign-in for `days` days. */
export interface InactivityParams {
  readonly days: number;
}

/** usage_drop: active users or events down at least `percent` % week over week. */
export interface UsageDropParams {
  readonly measure: 'active_users' | 'events';
  readonly percent: number;
  /** Weeks with fewer than this before the drop are too small to judge. */
  readonly minPrevious: number;
}

/** nps_detractor: the latest NPS answer at most `maxScore`. */
export interface NpsDetractorParams {
  readonly maxScore: number;
}

/** ticket_spike: at least `count` tickets opened within `days` days, or any P1 when `anyP1`. */
export interface TicketSpikeParams {
  readonly count: number;
  readonly days: number;
  readonly anyP1: boolean;
}

/** renewal_risk: renewal within `days` days while the band is one of `bands`. */
export interface RenewalRiskParams {
  readonly days: number;
  readonly bands: readonly HealthBand[];
}

/** onboarding_stalled: onboarding under `percent` % `days` days after the account was first seen. */
export interface OnboardingStalledParams {
  readonly percent: number;
  readonly days: number;
}

/** expansion_signal: active users (30 days) at least `seatUsagePercent` % of seats, or an NPS promoter. */
export interface ExpansionSignalParams {
  /** null: seat usage is not a signal. */
  readonly seatUsagePercent: number | null;
  /** null: promoters are not a signal. */
  readonly promoterMinScore: number | null;
}

/**
 * churn_risk_above: the churn model's probability (account.updated's churnRisk) above
 * `probability`, 0-1. No prediction (no model, or none for the account yet) never raises.
 */
export interface ChurnRiskAboveParams {
  readonly probability: number;
  /** How many of the prediction's contributions the alert explains itself by (biggest first). */
  readonly topContributions: number;
}

/** The parameters of each rule type. */
export interface RuleParamsByType {
  score_below: ScoreBelowParams;
  score_drop: ScoreDropParams;
  inactivity: InactivityParams;
  usage_drop: UsageDropParams;
  nps_detractor: NpsDetractorParams;
  ticket_spike: TicketSpikeParams;
  renewal_risk: RenewalRiskParams;
  onboarding_stalled: OnboardingStalledParams;
  expansion_signal: ExpansionSignalParams;
  churn_risk_above: ChurnRiskAboveParams;
}

/** Which accounts a rule watches; an empty list means every value. */
export interface RuleScope {
  readonly segments: readonly string[];
  readonly touchModels: readonly TouchModel[];
  readonly phases: readonly LifecyclePhase[];
}

export type RuleCondition = {
  [T in AlertRuleType]: { readonly type: T; readonly params: RuleParamsByType[T] };
}[AlertRuleType];

/** A rule as created or replaced, before it has an id. */
export type RuleDefinition = RuleCondition & {
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly scope: RuleScope;
  readonly enabled: boolean;
  /** After an alert of this rule is resolved, no new one for the same account within this time. */
  readonly cooldownMinutes: number;
  /** No alert for an account first seen less than this many days ago (0: from its first day). */
  readonly graceDays: number;
};

/** An alert rule of a workspace. */
export type AlertRule = RuleDefinition & { readonly id: string };

export const EVERY_ACCOUNT: RuleScope = { segments: [], touchModels: [], phases: [] };

/** Expansion is good news; every other type is a risk. */
export function isPositive(type: AlertRuleType): boolean {
  return type === 'expansion_signal';
}

/** Days a new account is left alone by a rule unless the rule says otherwise. */
export const DEFAULT_GRACE_DAYS = 14;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether an account is still in a rule's grace period at `now`: first seen (its first event)
 * less than `graceDays` days before. An unreadable first-seen time is no reason to stay silent.
 */
export function inGracePeriod(graceDays: number, firstSeenAt: string, now: Date): boolean {
  const first = Date.parse(firstSeenAt);
  if (graceDays <= 0 || Number.isNaN(first)) return false;
  return now.getTime() - first < graceDays * DAY_MS;
}

/** Whether an account is one the rule watches. */
export function inScope(
  scope: RuleScope,
  account: {
    readonly segment: string | null;
    readonly touchModel: TouchModel;
    readonly phase: LifecyclePhase;
  },
): boolean {
  // Segments are trait values: compared without regard to case.
  if (scope.segments.length > 0 && !includesTraitValue(scope.segments, account.segment)) return false;
  if (scope.touchModels.length > 0 && !scope.touchModels.includes(account.touchModel)) return false;
  if (scope.phases.length > 0 && !scope.phases.includes(account.phase)) return false;
  return true;
}
