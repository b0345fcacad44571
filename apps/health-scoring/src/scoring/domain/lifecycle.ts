import { LifecyclePhase, TouchModel } from '@tsuzuku/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LifecycleSettings {
  readonly onboardingMilestones: readonly string[];
  readonly renewalWindowDays: number;
  readonly touchHighMrr: number;
  readonly touchLowMrr: number;
}

export interface LifecycleFacts {
  readonly phaseTrait: string | null;
  readonly touchTrait: string | null;
  readonly expansion: boolean;
  readonly mrr: number | null;
  readonly seats: number | null;
  readonly activeUsers30d: number;
  readonly renewalDate: string | null;
  readonly onboardingDone: readonly string[];
}

const PHASES: readonly string[] = ['onboarding', 'adoption', 'expansion', 'renewal'];
const TOUCH: readonly string[] = ['high', 'low', 'tech'];

/**
 * The phase: an explicit trait wins; else renewal inside the window before renewal_date; else
 * expansion when flagged (trait) or when active users reach 90 % of the seats; else onboarding
 * until every milestone is done; else adoption.
 */
export function lifecyclePhase(
  facts: LifecycleFacts,
  settings: LifecycleSettings,
  asOf: Date,
): LifecyclePhase {
  if (facts.phaseTrait && PHASES.includes(facts.phaseTrait)) return facts.phaseTrait as LifecyclePhase;
  if (facts.renewalDate) {
    const daysToRenewal = (Date.parse(`${facts.renewalDate}T00:00:00Z`) - asOf.getTime()) / DAY_MS;
    if (daysToRenewal >= 0 && daysToRenewal <= settings.renewalWindowDays) return 'renewal';
  }
  if (facts.expansion || (facts.seats && facts.seats > 0 && facts.activeUsers30d >= 0.9 * facts.seats))
    return 'expansion';
  const done = new Set(facts.onboardingDone);
  if (settings.onboardingMilestones.some((m) => !done.has(m))) return 'onboarding';
  return 'adoption';
}

/** The touch model: an explicit trait wins; else by MRR against the workspace's thresholds. */
export function touchModel(
  facts: Pick<LifecycleFacts, 'touchTrait' | 'mrr'>,
  settings: LifecycleSettings,
): TouchModel {
  if (facts.touchTrait && TOUCH.includes(facts.touchTrait)) return facts.touchTrait as TouchModel;
  const mrr = facts.mrr ?? 0;
  if (mrr >= settings.touchHighMrr) return 'high';
  if (mrr >= settings.touchLowMrr) return 'low';
  return 'tech';
}

/**
 * When the account had done every onboarding milestone of its workspace: the latest of the
 * milestones' first completions (by event time); null while one is missing or without milestones.
 */
export function onboardingCompletedAt(
  row: { readonly onboardingStepsAt: Readonly<Record<string, string>> },
  settings: { readonly onboardingMilestones: readonly string[] },
): string | null {
  if (settings.onboardingMilestones.length === 0) return null;
  let latest: string | null = null;
  for (const milestone of settings.onboardingMilestones) {
    const at = row.onboardingStepsAt[milestone];
    if (at === undefined) return null;
    if (latest === null || at > latest) latest = at;
  }
  return latest;
}
