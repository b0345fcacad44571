import { CustomerEventData, SubscriptionStatus } from '@tsuzuku/contracts';

/** Whether an account has a subscription in force, from each subscription's latest state. */
export function subscriptionStatusOf(
  subscriptions: Readonly<Record<string, { readonly active: boolean }>>,
): SubscriptionStatus {
  const states = Object.values(subscriptions);
  if (states.length === 0) return 'none';
  return states.some((s) => s.active) ? 'active' : 'ended';
}

/**
 * When the account churned, if it has: with no subscription in force, the event time of the
 * latest subscription event (the one that ended the last); null while one is in force or none is known.
 */
export function churnMomentOf(
  subscriptions: Readonly<Record<string, { readonly active: boolean; readonly at: string }>>,
): string | null {
  if (subscriptionStatusOf(subscriptions) !== 'ended') return null;
  return Object.values(subscriptions).reduce((latest, s) => (s.at > latest ? s.at : latest), '');
}

/** The account profile fields a group call's traits may set. */
export interface ProfileTraits {
  readonly name?: string;
  readonly plan?: string;
  readonly mrr?: number;
  readonly seats?: number;
  readonly renewalDate?: string;
  readonly owner?: string;
  readonly segment?: string;
  readonly industry?: string;
  readonly touchModel?: string;
  readonly phase?: string;
  readonly expansion?: boolean;
}

/** What one customer event changes about its account, read from the event alone. */
export interface EventEffects {
  /** The user (or anonymous visitor) behind it, for distinct active users. */
  readonly actor: string | null;
  /** UTC day of event time, YYYY-MM-DD. */
  readonly day: string;
  readonly traits?: ProfileTraits;
  readonly signIn: boolean;
  /** A track call's name, to be matched against the workspace's key-feature catalog. */
  readonly trackName?: string;
  readonly onboardingStep?: string;
  readonly ticket?: { readonly id: string; readonly priority: string | null; readonly opened: boolean };
  readonly survey?: { readonly kind: 'nps' | 'csat'; readonly score: number };
  readonly mrr?: number;
  /** A subscription event: which subscription ('' when it names none), and whether it is in force after it. */
  readonly subscription?: { readonly id: string; readonly active: boolean };
  readonly engagement: boolean;
  readonly outcome: boolean;
  /** A short description for the account's recent events, when the event can move the score. */
  readonly notable?: { readonly name: string; readonly detail: Record<string, unknown> };
}

const ENGAGEMENT_EVENTS = new Set(['Email Replied', 'Meeting Held', 'Webinar Attended']);
const SUBSCRIPTION_EVENTS = new Set([
  'Subscription Started',
  'Subscription Changed',
  'Subscription Renewed',
  'Subscription Cancelled',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The profile traits of a group call; values of the wrong type are ignored (ingestion checked them). */
export function profileTraits(traits: Record<string, unknown>): ProfileTraits {
  const expansion = traits['expansion'];
  return {
    name: str(traits['name']),
    plan: str(traits['plan']),
    mrr: num(traits['mrr']),
    seats: num(traits['seats']),
    renewalDate: str(traits['renewal_date'])?.slice(0, 10),
    owner: str(traits['csm_email']),
    segment: str(traits['segment']),
    industry: str(traits['industry']),
    touchModel: str(traits['touch_model']),
    phase: str(traits['phase']),
    expansion: typeof expansion === 'boolean' ? expansion : undefined,
  };
}

/** Reads the effects of one customer event (the event spec of DESIGN.md). */
export function effectsOf(data: CustomerEventData, occurredAt: string): EventEffects {
  const props = data.properties;
  const base = {
    actor: data.userId ?? data.anonymousId,
    day: occurredAt.slice(0, 10),
    signIn: false,
    engagement: false,
    outcome: false,
  };
  if (data.call === 'group') {
    const traits = profileTraits(data.traits);
    return { ...base, traits };
  }
  if (data.call !== 'track' || !data.event) return base;
  const name = data.event;
  if (name === 'Signed In') return { ...base, signIn: true, trackName: name };
  if (name === 'Onboarding Step Completed') {
    const step = str(props['step']);
    return {
      ...base,
      trackName: name,
      onboardingStep: step,
      notable: { name, detail: { step } },
    };
  }
  if (name === 'Ticket Opened' || name === 'Ticket Resolved') {
    const id = str(props['ticket_id']);
    const priority = str(props['priority'])?.toUpperCase() ?? null;
    return {
      ...base,
      trackName: name,
      ...(id ? { ticket: { id, priority, opened: name === 'Ticket Opened' } } : {}),
      notable: { name, detail: { ticket_id: id, priority } },
    };
  }
  if (name === 'Survey Responded') {
    const kind = props['survey'];
    const score = num(props['score']);
    if ((kind === 'nps' || kind === 'csat') && score !== undefined)
      return {
        ...base,
        trackName: name,
        survey: { kind, score },
        notable: { name, detail: { survey: kind, score } },
      };
    return { ...base, trackName: name };
  }
  if (SUBSCRIPTION_EVENTS.has(name)) {
    const mrr = name === 'Subscription Cancelled' ? 0 : num(props['mrr']);
    const id = str(props['subscription_id']) ?? '';
    return {
      ...base,
      trackName: name,
      ...(mrr !== undefined ? { mrr } : {}),
      subscription: { id, active: name !== 'Subscription Cancelled' },
      // The subscription's id too: the outcomes of a past period replay subscriptions from these.
      notable: { name, detail: { mrr, plan: str(props['plan']), subscription_id: id } },
    };
  }
  if (ENGAGEMENT_EVENTS.has(name))
    return { ...base, trackName: name, engagement: true, notable: { name, detail: {} } };
  if (name === 'Outcome Reported')
    return {
      ...base,
      trackName: name,
      outcome: true,
      notable: { name, detail: { metric: str(props['metric']), value: num(props['value']) } },
    };
  return { ...base, trackName: name };
}
