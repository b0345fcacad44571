/**
 * A realistic, deterministic SaaS customer base for the demo and the end-to-end test: accounts
 * in three segments with their users, onboarding, usage, surveys, support tickets and
 * subscriptions over the last months, as the Segment calls a product backend would send.
 * The same options (seed included) and the same `now` always give the same calls.
 */

const DAY_MS = 86_400_000;

/** What the generator made each account do; the end-to-end test checks the services saw it. */
export const TRAJECTORIES = [
  /** Steady use, promoters, the odd resolved ticket. */
  'healthy',
  /** Healthy, and buys more seats along the way. */
  'expanding',
  /** Was healthy; for the last six weeks or so nobody signs in, P1 tickets pile up, a detractor answers. */
  'declining',
  /** Fades out and cancels; some come back later (reactivation). */
  'churned',
  /** Started recently, did one onboarding step and little else. */
  'stalled',
] as const;
export type Trajectory = (typeof TRAJECTORIES)[number];

export const DEMO_SEGMENTS = ['SMB', 'Mid-Market', 'Enterprise'] as const;
export type DemoSegment = (typeof DEMO_SEGMENTS)[number];

export interface CustomerBaseOptions {
  readonly accounts: number;
  readonly months: number;
  readonly seed: number;
  /** The end of the generated history (default: now). */
  readonly now?: Date;
}

export interface GeneratedAccount {
  readonly id: string;
  readonly name: string;
  readonly segment: DemoSegment;
  readonly plan: string;
  readonly csmEmail: string | null;
  readonly contactEmail: string;
  readonly seats: number;
  readonly startedAt: string;
  readonly trajectory: Trajectory;
  readonly users: readonly string[];
}

/** One Segment call, in the shape @segment/analytics-node takes it (plus its type). */
export interface GeneratedCall {
  readonly type: 'identify' | 'group' | 'track';
  readonly messageId: string;
  readonly userId: string;
  readonly timestamp: string;
  readonly groupId?: string;
  readonly event?: string;
  readonly properties?: Record<string, unknown>;
  readonly traits?: Record<string, unknown>;
  readonly context: { readonly groupId: string };
}

export interface CustomerBase {
  readonly options: Required<CustomerBaseOptions>;
  /** The workspace settings the data assumes (health-scoring's PUT /v1/settings). */
  readonly settings: {
    readonly onboardingMilestones: readonly string[];
    readonly keyFeatures: readonly string[];
  };
  readonly accounts: readonly GeneratedAccount[];
  /** Every call, in time order. */
  readonly calls: readonly GeneratedCall[];
}

export const DEMO_MILESTONES = ['Account Configured', 'Data Source Connected', 'Team Invited'] as const;
export const DEMO_KEY_FEATURES = ['Report Exported', 'Dashboard Shared', 'Alert Configured'] as const;
const CSMS = ['ana.ito@cs.example', 'ben.okafor@cs.example', 'chloe.martin@cs.example'];
const INDUSTRIES = ['software', 'retail', 'finance', 'health', 'logistics', 'media', 'education'];
const NAME_A = ['Blue', 'North', 'Bright', 'Iron', 'Silver', 'Cedar', 'Nova', 'Summit', 'Harbor', 'Quartz'];
const NAME_B = [
  'Labs',
  'Works',
  'Systems',
  'Analytics',
  'Foods',
  'Logistics',
  'Health',
  'Media',
  'Bank',
  'Retail',
];

/** A small seeded generator (mulberry32): the same seed, the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The first instant of the month `back` months before the month of `now` (UTC). */
export function monthStart(now: Date, back = 0): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

export function generateCustomerBase(options: CustomerBaseOptions): CustomerBase {
  const now = options.now ?? new Date();
  const opts = { ...options, now };
  if (!Number.isInteger(opts.accounts) || opts.accounts < 1)
    throw new Error('accounts must be a whole number ≥ 1');
  if (!Number.isInteger(opts.months) || opts.months < 2) throw new Error('months must be a whole number ≥ 2');
  const random = seededRandom(opts.seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const historyStart = monthStart(now, opts.months - 1).getTime();
  const end = now.getTime() - 5 * 60_000;
  const calls: GeneratedCall[] = [];
  let sequence = 0;
  const accounts: GeneratedAccount[] = [];

  for (let i = 0; i < opts.accounts; i++) {
    const id = `acct-${String(i + 1).padStart(4, '0')}`;
    const roll = random();
    const segment: DemoSegment = roll < 0.55 ? 'SMB' : roll < 0.88 ? 'Mid-Market' : 'Enterprise';
    const mrr =
      segment === 'SMB' ? 10 * int(10, 45) : segment === 'Mid-Market' ? 50 * int(12, 56) : 500 * int(10, 30);
    const seats = segment === 'SMB' ? int(3, 6) : segment === 'Mid-Market' ? int(6, 12) : int(12, 20);
    const plan = segment === 'SMB' ? 'starter' : segment === 'Mid-Market' ? 'growth' : 'enterprise';
    const t = random();
    const span = end - historyStart;
    let trajectory: Trajectory =
      t < 0.5
        ? 'healthy'
        : t < 0.62
          ? 'expanding'
          : t < 0.75
            ? 'declining'
            : t < 0.87
              ? 'churned'
              : 'stalled';
    // When the subscription starts: a third were customers when the history begins; the others
    // signed up along the way, the last of them about three weeks ago (onboarded by now).
    let startedAt: number;
    if (trajectory === 'stalled') startedAt = end - between(40, 100) * DAY_MS;
    else if (trajectory === 'declining')
      startedAt = historyStart + random() * Math.max(DAY_MS, span - 150 * DAY_MS);
    else
      startedAt = chance(0.35)
        ? historyStart + random() * 20 * DAY_MS
        : historyStart + random() * Math.max(DAY_MS, span - 21 * DAY_MS);
    if (startedAt < historyStart) startedAt = historyStart + random() * DAY_MS;
    // Histories too short for their story become healthy accounts.
    if (trajectory === 'churned' && end - startedAt < 130 * DAY_MS) trajectory = 'healthy';
    if (trajectory === 'expanding' && end - startedAt < 100 * DAY_MS) trajectory = 'healthy';
    const name = `${pick(NAME_A)} ${pick(NAME_B)} ${i + 1}`;
    const csmEmail = segment === 'SMB' ? null : pick(CSMS);
    const domain = `${id}.example`;
    const contactEmail = `admin@${domain}`;
    const users = Array.from({ length: seats }, (_, u) => `${id}-user-${u + 1}`);
    accounts.push({
      id,
      name,
      segment,
      plan,
      csmEmail,
      contactEmail,
      seats,
      startedAt: new Date(startedAt).toISOString(),
      trajectory,
      users,
    });

    const call = (
      type: GeneratedCall['type'],
      at: number,
      userId: string,
      fields: Partial<Pick<GeneratedCall, 'event' | 'properties' | 'traits' | 'groupId'>>,
    ) => {
      if (at > end || at < historyStart) return;
      calls.push({
        type,
        messageId: `demo-${opts.seed}-${++sequence}`,
        userId,
        timestamp: new Date(Math.floor(at)).toISOString(),
        ...fields,
        context: { groupId: id },
      });
    };
    const track = (at: number, userId: string, event: string, properties: Record<string, unknown> = {}) =>
      call('track', at, userId, { event, properties });
    const admin = users[0]!;
    const profile = (at: number, extra: Record<string, unknown>) =>
      call('group', at, admin, {
        groupId: id,
        traits: {
          name,
          plan,
          segment,
          industry: INDUSTRIES[i % INDUSTRIES.length],
          contact_email: contactEmail,
          ...(csmEmail ? { csm_email: csmEmail } : {}),
          ...extra,
        },
      });

    // The subscription, its renewals, and the story's MRR changes.
    let currentMrr = mrr;
    let currentSeats = seats;
    const subscription = `sub-${id}-1`;
    profile(startedAt, { mrr, seats, renewal_date: day(startedAt + 365 * DAY_MS) });
    users.forEach((u, n) =>
      call('identify', startedAt + (n + 1) * 60_000, u, {
        traits: { email: n === 0 ? contactEmail : `${u}@${domain}`, name: `User ${n + 1} of ${name}` },
      }),
    );
    track(startedAt + 30_000, admin, 'Subscription Started', {
      subscription_id: subscription,
      mrr,
      currency: 'USD',
      plan,
      seats,
    });
    const churnAt =
      trajectory === 'churned' ? startedAt + between(100, (end - startedAt) / DAY_MS - 20) * DAY_MS : null;
    const comeBackAt =
      churnAt !== null && chance(0.3) && end - churnAt > 70 * DAY_MS
        ? churnAt + between(40, 60) * DAY_MS
        : null;
    const declineAt = trajectory === 'declining' ? end - between(42, 55) * DAY_MS : null;
    for (let renewal = startedAt + 365 * DAY_MS; renewal < end; renewal += 365 * DAY_MS) {
      if (churnAt !== null && renewal >= churnAt) break;
      track(renewal, admin, 'Subscription Renewed', {
        subscription_id: subscription,
        mrr: currentMrr,
        currency: 'USD',
        plan,
        seats: currentSeats,
      });
      profile(renewal + 60_000, { renewal_date: day(renewal + 365 * DAY_MS) });
    }
    const changeMrr = (at: number, factor: number) => {
      currentMrr = Math.round((currentMrr * factor) / 10) * 10;
      if (factor > 1) currentSeats = Math.round(currentSeats * factor);
      track(at, admin, 'Subscription Changed', {
        subscription_id: subscription,
        mrr: currentMrr,
        currency: 'USD',
        plan,
        seats: currentSeats,
      });
      profile(at + 60_000, { mrr: currentMrr, seats: currentSeats });
    };
    if (trajectory === 'expanding')
      changeMrr(startedAt + between(60, (end - startedAt) / DAY_MS - 20) * DAY_MS, between(1.3, 1.8));
    else if (trajectory === 'healthy' && end - startedAt > 120 * DAY_MS && chance(0.15))
      changeMrr(startedAt + between(60, (end - startedAt) / DAY_MS - 30) * DAY_MS, chance(0.5) ? 1.25 : 0.75);
    if (churnAt !== null) {
      track(churnAt, admin, 'Subscription Cancelled', {
        subscription_id: subscription,
        mrr: 0,
        currency: 'USD',
        plan,
        seats: currentSeats,
      });
      if (comeBackAt !== null) {
        track(comeBackAt, admin, 'Subscription Started', {
          subscription_id: `sub-${id}-2`,
          mrr,
          currency: 'USD',
          plan,
          seats,
        });
        profile(comeBackAt + 60_000, { mrr, seats, renewal_date: day(comeBackAt + 365 * DAY_MS) });
      }
    }

    // Onboarding: every milestone within ten days, except for the stalled accounts.
    const milestones = trajectory === 'stalled' ? DEMO_MILESTONES.slice(0, 1) : DEMO_MILESTONES;
    milestones.forEach((step, n) =>
      track(startedAt + (n * 4 + 1) * DAY_MS + between(0, 0.5) * DAY_MS, admin, 'Onboarding Step Completed', {
        step,
      }),
    );

    // Usage, week by week while the account is active.
    const activeUntil = (at: number) => {
      if (declineAt !== null && at >= declineAt) return false;
      if (churnAt !== null && at >= churnAt - 30 * DAY_MS && (comeBackAt === null || at < comeBackAt))
        return false;
      return true;
    };
    const features =
      trajectory === 'stalled'
        ? DEMO_KEY_FEATURES.slice(0, 1)
        : trajectory === 'declining'
          ? DEMO_KEY_FEATURES.slice(0, 2)
          : DEMO_KEY_FEATURES;
    for (let week = startedAt + 2 * DAY_MS; week < end; week += 7 * DAY_MS) {
      if (!activeUntil(week)) continue;
      const recent = end - week < 35 * DAY_MS;
      const pActive = trajectory === 'stalled' ? 0.25 : recent ? 0.92 : 0.55;
      for (const user of trajectory === 'stalled' ? users.slice(0, 2) : users) {
        if (!chance(pActive)) continue;
        const signIns = recent && trajectory !== 'stalled' ? int(2, 4) : 1;
        for (let s = 0; s < signIns; s++) {
          const at = week + between(0, 7) * DAY_MS;
          if (at >= end || !activeUntil(at)) continue;
          track(at, user, 'Signed In', { method: 'password' });
          if (chance(0.35)) track(at + 20 * 60_000, user, pick(features));
        }
      }
    }
    // The most recent days: healthy teams signed in yesterday or today.
    if (
      trajectory === 'healthy' ||
      trajectory === 'expanding' ||
      (comeBackAt !== null && comeBackAt < end - 10 * DAY_MS)
    )
      for (const user of users.slice(0, Math.ceil(users.length * 0.8))) {
        const at = end - between(0.1, 1.5) * DAY_MS;
        track(at, user, 'Signed In', { method: 'sso' });
      }

    // Surveys: NPS every quarter from the admin; the last answer tells the story.
    const npsScore = (at: number): number => {
      if (trajectory === 'declining' && declineAt !== null && at >= declineAt - 10 * DAY_MS) return int(1, 4);
      if (churnAt !== null && at >= churnAt - 60 * DAY_MS && at < churnAt) return int(2, 5);
      if (trajectory === 'stalled') return int(5, 8);
      if (trajectory === 'expanding') return int(9, 10);
      // About half promoters, most of the rest passives: an NPS in the forties, as good SaaS has.
      const r = random();
      return r < 0.5 ? int(9, 10) : r < 0.92 ? int(7, 8) : int(5, 6);
    };
    for (let at = startedAt + 30 * DAY_MS; at < end; at += 90 * DAY_MS)
      if (churnAt === null || at < churnAt || (comeBackAt !== null && at > comeBackAt))
        track(at, admin, 'Survey Responded', { survey: 'nps', score: npsScore(at) });
    if (declineAt !== null)
      track(end - between(5, 15) * DAY_MS, admin, 'Survey Responded', { survey: 'nps', score: int(1, 4) });

    // Support: the odd ticket, resolved with a CSAT answer; declining accounts pile up open P1s.
    let ticket = 0;
    for (
      let at = startedAt + between(10, 60) * DAY_MS;
      at < end - 3 * DAY_MS;
      at += between(40, 90) * DAY_MS
    ) {
      if (!activeUntil(at)) continue;
      const ticketId = `${id}-t${++ticket}`;
      track(at, admin, 'Ticket Opened', { ticket_id: ticketId, priority: pick(['P2', 'P3', 'P3']) });
      track(at + between(0.2, 2) * DAY_MS, admin, 'Ticket Resolved', { ticket_id: ticketId });
      track(at + 2.5 * DAY_MS, admin, 'Survey Responded', {
        survey: 'csat',
        score: trajectory === 'declining' ? 3 : int(4, 5),
      });
    }
    if (declineAt !== null)
      for (let n = 0; n < 3; n++)
        track(end - between(2, 25) * DAY_MS, admin, 'Ticket Opened', {
          ticket_id: `${id}-t${++ticket}`,
          priority: n < 2 ? 'P1' : 'P2',
        });

    // CSM touchpoints and outcomes for the accounts that have a CSM and are doing well.
    if (csmEmail && (trajectory === 'healthy' || trajectory === 'expanding'))
      for (let at = startedAt + 20 * DAY_MS; at < end; at += 30 * DAY_MS) {
        track(at, admin, 'Meeting Held', { topic: 'check-in' });
        if (chance(0.5))
          track(at + DAY_MS, admin, 'Outcome Reported', { metric: 'hours_saved', value: int(5, 40) });
      }
  }

  calls.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return {
    options: opts,
    settings: { onboardingMilestones: [...DEMO_MILESTONES], keyFeatures: [...DEMO_KEY_FEATURES] },
    accounts,
    calls,
  };
}

function day(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
