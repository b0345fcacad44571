export const ONBOARDING_WINDOW_MS = 30 * 86_400_000;

/**
 * Where an account stands for the onboarding completion rate of the month its first subscription
 * started: left out while it is younger than 30 days, else completed or not within 30 days of
 * that start (a completion before the start counts as within).
 */
export function onboardingOutcome(
  firstStartedAt: number,
  completedAt: number | null,
  now: number,
): 'too_young' | 'completed' | 'not_completed' {
  if (now - firstStartedAt < ONBOARDING_WINDOW_MS) return 'too_young';
  return completedAt !== null && completedAt <= firstStartedAt + ONBOARDING_WINDOW_MS
    ? 'completed'
    : 'not_completed';
}
