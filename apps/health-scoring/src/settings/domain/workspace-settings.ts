/** What a workspace tells the scoring about itself. */
export interface WorkspaceSettings {
  /** The onboarding steps that make onboarding_completion (and end the onboarding phase). */
  readonly onboardingMilestones: readonly string[];
  /** The track event names whose use makes key_features_adopted. */
  readonly keyFeatures: readonly string[];
  /** An account is in its renewal phase this many days before its renewal date. */
  readonly renewalWindowDays: number;
  /** Accounts from this MRR up are high touch. */
  readonly touchHighMrr: number;
  /** Accounts from this MRR up (and below touchHighMrr) are low touch; below it, tech touch. */
  readonly touchLowMrr: number;
}

/** The settings of a workspace that has set none (as the table's column defaults). */
export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = Object.freeze({
  onboardingMilestones: Object.freeze([]) as readonly string[],
  keyFeatures: Object.freeze([]) as readonly string[],
  renewalWindowDays: 90,
  touchHighMrr: 5000,
  touchLowMrr: 500,
});

export interface SettingsProblem {
  readonly path: string;
  readonly message: string;
}

const isFiniteNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Every problem of a workspace's settings, with its path; empty when they are valid. */
export function validateWorkspaceSettings(settings: WorkspaceSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const field of ['onboardingMilestones', 'keyFeatures'] as const) {
    const names = settings[field];
    if (!Array.isArray(names)) {
      problems.push({ path: field, message: 'must be a list of names' });
      continue;
    }
    const seen = new Set<string>();
    names.forEach((name: unknown, i) => {
      if (typeof name !== 'string' || name.trim().length === 0)
        problems.push({ path: `${field}[${i}]`, message: 'must be a non-empty name' });
      else if (seen.has(name))
        problems.push({ path: `${field}[${i}]`, message: `"${name}" is listed twice` });
      else seen.add(name);
    });
  }
  const { renewalWindowDays: days, touchHighMrr: high, touchLowMrr: low } = settings;
  if (!Number.isInteger(days) || days < 1 || days > 365)
    problems.push({ path: 'renewalWindowDays', message: 'must be a whole number of days from 1 to 365' });
  const lowOk = isFiniteNumber(low) && low >= 0;
  if (!lowOk) problems.push({ path: 'touchLowMrr', message: 'must be a number of at least 0' });
  if (!isFiniteNumber(high)) problems.push({ path: 'touchHighMrr', message: 'must be a number' });
  else if (lowOk && high <= low)
    problems.push({ path: 'touchHighMrr', message: `must be greater than touchLowMrr (${low})` });
  return problems;
}
