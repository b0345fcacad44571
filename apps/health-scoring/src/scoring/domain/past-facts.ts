import { AccountFacts, UsageDay } from './metrics';

const DAY_MS = 86_400_000;

/**
 * What an account's events say over a span of days, read once: enough to know its facts as of
 * any moment of that span (see factsAsOf). Usage days reach 455 days before the span, user days
 * 30 days and tickets 30 days, as the windows of the metrics do.
 */
export interface AccountPast {
  readonly days: readonly UsageDay[];
  readonly userDays: readonly { readonly day: string; readonly userId: string }[];
  readonly tickets: readonly {
    readonly priority: string | null;
    readonly openedAt: Date;
    readonly resolvedAt: Date | null;
  }[];
  /** In time order. */
  readonly mrrPoints: readonly { readonly at: Date; readonly mrr: number }[];
  /** NPS answers in time order. */
  readonly npsAnswers: readonly { readonly at: Date; readonly score: number }[];
  /** When each key feature was first used. */
  readonly featureFirstUse: ReadonlyMap<string, Date>;
}

/** The parts of the account's profile that carry their own event time. */
export interface ProfileTimes {
  readonly seats: number | null;
  readonly lastSignInAt: string | null;
  /** Event time at which each onboarding step was first completed. */
  readonly onboardingStepsAt: Readonly<Record<string, string>>;
}

export interface CatalogSettings {
  readonly keyFeatures: readonly string[];
  readonly onboardingMilestones: readonly string[];
}

/** The UTC day a moment falls on, YYYY-MM-DD. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The last moment of a UTC day, or `now` when the day is not over yet: when a day's state stands. */
export function endOfDay(day: string, now: Date): Date {
  const end = new Date(`${day}T23:59:59.999Z`);
  return end.getTime() > now.getTime() ? now : end;
}

/**
 * The account's facts as they stood at `asOf`, from its past read over a span that contains
 * `asOf`: what happened later is left out. A sign-in known only from the daily totals counts
 * from the start of its day.
 */
export function factsAsOf(
  past: AccountPast,
  profile: ProfileTimes,
  settings: CatalogSettings,
  asOf: Date,
): AccountFacts {
  const t = asOf.getTime();
  const today = dayOf(asOf);
  const first30 = dayOf(new Date(t - 29 * DAY_MS));
  const users = new Set<string>();
  for (const u of past.userDays) if (u.day >= first30 && u.day <= today) users.add(u.userId);
  let lastSignIn: Date | null = null;
  for (const d of past.days)
    if (d.signIns > 0 && d.day <= today) {
      const start = new Date(`${d.day}T00:00:00.000Z`);
      if (!lastSignIn || start > lastSignIn) lastSignIn = start;
    }
  const precise = profile.lastSignInAt ? new Date(profile.lastSignInAt) : null;
  if (precise && precise.getTime() <= t && (!lastSignIn || precise > lastSignIn)) lastSignIn = precise;
  let latestNps: number | null = null;
  for (const a of past.npsAnswers) if (a.at.getTime() <= t) latestNps = a.score;
  const since30 = t - 30 * DAY_MS;
  return {
    seats: profile.seats,
    days: past.days.filter((d) => d.day <= today),
    activeUsers: new Map([[30, users.size]]),
    lastSignInAt: lastSignIn,
    keyFeatures: settings.keyFeatures,
    featuresUsed: [...past.featureFirstUse].filter(([, at]) => at.getTime() <= t).map(([name]) => name),
    milestones: settings.onboardingMilestones,
    onboardingDone: Object.entries(profile.onboardingStepsAt)
      .filter(([, at]) => Date.parse(at) <= t)
      .map(([step]) => step),
    recentTickets: past.tickets
      .filter((k) => k.openedAt.getTime() >= since30 && k.openedAt.getTime() <= t)
      .map((k) => ({ priority: k.priority, resolved: k.resolvedAt !== null && k.resolvedAt.getTime() <= t })),
    latestNps,
    mrrPoints: past.mrrPoints.filter((p) => p.at.getTime() <= t),
  };
}

/**
 * Whether an event is history: sent as such (/v1/import), or older than the horizon. History
 * builds the past and takes no action of the present.
 */
export function isHistorical(
  event: { readonly occurredAt: string; readonly backfill?: boolean },
  now: Date,
  horizonHours: number,
): boolean {
  return event.backfill === true || Date.parse(event.occurredAt) < now.getTime() - horizonHours * 3_600_000;
}
