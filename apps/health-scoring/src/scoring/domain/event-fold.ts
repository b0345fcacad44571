import type { EventCause } from '@tsuzuku/contracts';
import { WorkspaceSettings } from '../../settings/domain/workspace-settings';
import { AccountKey, keyOf } from './account-key';
import { AccountRow, assignOwner, newAccount } from './account-row';
import { AttributedEvent, CustomerEvent } from './account-attribution';
import { EventEffects, effectsOf, profileTraits } from './event-effects';
import { isP1 } from './metrics';
import { isHistorical } from './past-facts';

/** Per account and day, what a run of events adds. */
export interface DayDelta {
  workspaceId: string;
  accountId: string;
  day: string;
  events: number;
  signIns: number;
  keyFeatureUses: number;
  onboardingSteps: number;
  ticketsOpened: number;
  p1Opened: number;
  ticketsResolved: number;
  p1Resolved: number;
  surveyResponses: number;
  csatSum: number;
  csatCount: number;
  engagementEvents: number;
  outcomes: number;
}

/** A user active for an account on a day. */
export interface ActiveUserDay {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly day: string;
  readonly userId: string;
}

/** What a run learnt about one support ticket. */
export interface TicketChange {
  workspaceId: string;
  accountId: string;
  ticketId: string;
  priority: string | null;
  openedAt: string | null;
  resolvedAt: string | null;
}

/** The MRR an account had from a moment on. */
export interface MrrPoint {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly at: string;
  readonly mrr: number;
}

/** An event worth showing on the account's timeline. */
export interface NotableEvent {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly name: string;
  readonly detail: Record<string, unknown>;
}

/** Why an account is being scored: the events that touched it, or a named cause. */
export interface Cause extends EventCause {
  readonly reason: string;
}

/** The days of historical events an account got in a run. */
export interface PastDays {
  readonly key: AccountKey;
  readonly days: Set<string>;
}

/** A run of events folded: the profiles changed in place, and what the run adds to the stores. */
export interface FoldedRun {
  readonly days: DayDelta[];
  /** In user order. */
  readonly activeUsers: ActiveUserDay[];
  /** In ticket order. */
  readonly tickets: TicketChange[];
  /** One per account and moment (the run's last), in key order. */
  readonly mrrPoints: MrrPoint[];
  readonly notable: NotableEvent[];
  /** Accounts with a live event: they get today's scoring. */
  readonly live: Set<string>;
  /** Per account with a live event, when the first of its live events in the run was published. */
  readonly liveSince: Map<string, string>;
  /** Accounts with historical events, and the days those fell on. */
  readonly past: Map<string, PastDays>;
  /** The cause of each account's scoring in this run, by key. */
  readonly causeOf: (key: string) => Cause;
}

/**
 * Folds a run of attributed events, in order, into the account rows (created when missing, and
 * changed in place) and into what the run adds: daily totals, active users, tickets, MRR points,
 * notable events, and which accounts got live or only historical events.
 */
export function foldEvents(
  todo: readonly AttributedEvent[],
  rows: Map<string, AccountRow>,
  settings: ReadonlyMap<string, WorkspaceSettings>,
  now: Date,
  backfillHorizonHours: number,
): FoldedRun {
  const causes = new Map<string, { names: Map<string, number>; last: CustomerEvent }>();
  const days = new Map<string, DayDelta>();
  const activeUsers = new Map<string, ActiveUserDay>();
  const tickets = new Map<string, TicketChange>();
  const mrrPoints: MrrPoint[] = [];
  const notable: NotableEvent[] = [];
  const live = new Set<string>();
  const liveSince = new Map<string, string>();
  const past = new Map<string, PastDays>();
  for (const { event, accountId } of todo) {
    const key = keyOf({ workspaceId: event.workspaceId, accountId });
    if (
      isHistorical({ occurredAt: event.occurredAt, backfill: event.data.backfill }, now, backfillHorizonHours)
    ) {
      const entry = past.get(key) ?? { key: { workspaceId: event.workspaceId, accountId }, days: new Set() };
      entry.days.add(event.occurredAt.slice(0, 10));
      past.set(key, entry);
    } else {
      live.add(key);
      if (!liveSince.has(key)) liveSince.set(key, event.producedAt);
    }
    const effects = effectsOf(event.data, event.occurredAt);
    const ws = settings.get(event.workspaceId)!;
    const row = rows.get(key) ?? newAccount(event.workspaceId, accountId, event.occurredAt);
    rows.set(key, row);
    const keyFeature = effects.trackName !== undefined && ws.keyFeatures.includes(effects.trackName);
    applyToProfile(row, effects, event, keyFeature);
    addToDay(dayDelta(days, event.workspaceId, accountId, effects.day), effects, keyFeature);
    if (effects.actor && event.data.call !== 'group' && event.data.call !== 'identify')
      activeUsers.set(`${key}\u0000${effects.day}\u0000${effects.actor}`, {
        workspaceId: event.workspaceId,
        accountId,
        day: effects.day,
        userId: effects.actor,
      });
    if (effects.ticket) mergeTicket(tickets, event, accountId, effects.ticket);
    if (effects.mrr !== undefined)
      mrrPoints.push({ workspaceId: event.workspaceId, accountId, at: event.occurredAt, mrr: effects.mrr });
    const label = effects.notable?.name ?? (keyFeature ? effects.trackName : undefined);
    if (label)
      notable.push({
        workspaceId: event.workspaceId,
        accountId,
        eventId: event.id,
        occurredAt: event.occurredAt,
        name: label,
        detail: effects.notable?.detail ?? { keyFeature: true },
      });
    const cause = causes.get(key) ?? { names: new Map<string, number>(), last: event };
    const name = event.data.event ?? event.data.call;
    cause.names.set(name, (cause.names.get(name) ?? 0) + 1);
    cause.last = event;
    causes.set(key, cause);
  }
  return {
    days: [...days.values()],
    activeUsers: [...activeUsers.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
    tickets: [...tickets.values()].sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1)),
    mrrPoints: dedupeMrr(mrrPoints),
    notable,
    live,
    liveSince,
    past,
    causeOf: (key) => {
      const cause = causes.get(key)!;
      return {
        reason: `events: ${[...cause.names].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n)).join(', ')}`,
        causationId: cause.last.id,
        correlationId: cause.last.correlationId,
      };
    },
  };
}

const later = (a: string | null, b: string): string => (a === null || a < b ? b : a);

/** The trait a subscription event's MRR shares with a group call's `mrr`. */
const MRR_TRAIT = 'mrr';

/**
 * Whether a value of the trait from an event at `at` is the latest the account has seen by event
 * time (ties go to the later arrival); when it is, the trait's time becomes `at`.
 */
function takesLatest(row: AccountRow, trait: string, at: string): boolean {
  const held = row.traitsAt[trait];
  if (held !== undefined && Date.parse(held) > Date.parse(at)) return false;
  row.traitsAt = { ...row.traitsAt, [trait]: at };
  return true;
}

/** What one event changes in its account's profile. */
export function applyToProfile(
  row: AccountRow,
  effects: EventEffects,
  event: CustomerEvent,
  keyFeature: boolean,
): void {
  if (event.occurredAt < row.firstSeenAt) row.firstSeenAt = event.occurredAt;
  row.lastSeenAt = later(row.lastSeenAt, event.occurredAt);
  if (effects.traits) {
    // Only the traits this event holds the latest value of, by event time: a group call retried
    // or imported late does not bring back a plan, seats or MRR a newer call replaced.
    const fresh: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(event.data.traits))
      if (takesLatest(row, name, event.occurredAt)) fresh[name] = value;
    row.traits = { ...row.traits, ...fresh };
    const t = profileTraits(fresh);
    row.name = t.name ?? row.name;
    row.plan = t.plan ?? row.plan;
    row.mrr = t.mrr ?? row.mrr;
    row.seats = t.seats ?? row.seats;
    row.renewalDate = t.renewalDate ?? row.renewalDate;
    // The owner has its own time, shared with assignments through the API.
    if (effects.traits.owner !== undefined) assignOwner(row, effects.traits.owner, event.occurredAt);
    row.segment = t.segment ?? row.segment;
    row.industry = t.industry ?? row.industry;
    row.touchTrait = t.touchModel ?? row.touchTrait;
    row.phaseTrait = t.phase ?? row.phaseTrait;
    row.expansion = t.expansion ?? row.expansion;
  }
  if (effects.signIn) row.lastSignInAt = later(row.lastSignInAt, event.occurredAt);
  if (effects.onboardingStep) {
    const step = effects.onboardingStep;
    if (!row.onboardingDone.includes(step)) row.onboardingDone = [...row.onboardingDone, step];
    const firstAt = row.onboardingStepsAt[step];
    if (firstAt === undefined || event.occurredAt < firstAt)
      row.onboardingStepsAt = { ...row.onboardingStepsAt, [step]: event.occurredAt };
  }
  if (keyFeature && effects.trackName && !row.featuresUsed.includes(effects.trackName))
    row.featuresUsed = [...row.featuresUsed, effects.trackName];
  if (effects.survey?.kind === 'nps' && (row.latestNpsAt === null || row.latestNpsAt <= event.occurredAt)) {
    row.latestNps = effects.survey.score;
    row.latestNpsAt = event.occurredAt;
  }
  if (effects.mrr !== undefined && takesLatest(row, MRR_TRAIT, event.occurredAt)) row.mrr = effects.mrr;
  if (effects.subscription) {
    const { id, active } = effects.subscription;
    const known = row.subscriptions[id];
    // By event time: an older event arriving late does not undo a later one.
    if (!known || known.at <= event.occurredAt)
      row.subscriptions = { ...row.subscriptions, [id]: { active, at: event.occurredAt } };
  }
}

function dayDelta(
  days: Map<string, DayDelta>,
  workspaceId: string,
  accountId: string,
  day: string,
): DayDelta {
  const key = `${workspaceId}\u0000${accountId}\u0000${day}`;
  let delta = days.get(key);
  if (!delta) {
    delta = {
      workspaceId,
      accountId,
      day,
      events: 0,
      signIns: 0,
      keyFeatureUses: 0,
      onboardingSteps: 0,
      ticketsOpened: 0,
      p1Opened: 0,
      ticketsResolved: 0,
      p1Resolved: 0,
      surveyResponses: 0,
      csatSum: 0,
      csatCount: 0,
      engagementEvents: 0,
      outcomes: 0,
    };
    days.set(key, delta);
  }
  return delta;
}

/** What one event adds to its account's totals of its day. */
export function addToDay(day: DayDelta, effects: EventEffects, keyFeature: boolean): void {
  day.events++;
  if (effects.signIn) day.signIns++;
  if (keyFeature) day.keyFeatureUses++;
  if (effects.onboardingStep) day.onboardingSteps++;
  if (effects.ticket?.opened) {
    day.ticketsOpened++;
    if (isP1(effects.ticket.priority)) day.p1Opened++;
  } else if (effects.ticket) {
    day.ticketsResolved++;
    if (isP1(effects.ticket.priority)) day.p1Resolved++;
  }
  if (effects.survey) {
    day.surveyResponses++;
    if (effects.survey.kind === 'csat') {
      day.csatSum += effects.survey.score;
      day.csatCount++;
    }
  }
  if (effects.engagement) day.engagementEvents++;
  if (effects.outcome) day.outcomes++;
}

function mergeTicket(
  tickets: Map<string, TicketChange>,
  event: CustomerEvent,
  accountId: string,
  ticket: NonNullable<EventEffects['ticket']>,
): void {
  const key = `${event.workspaceId}\u0000${ticket.id}`;
  const known = tickets.get(key) ?? {
    workspaceId: event.workspaceId,
    accountId,
    ticketId: ticket.id,
    priority: null,
    openedAt: null,
    resolvedAt: null,
  };
  known.priority = ticket.priority ?? known.priority;
  if (ticket.opened) known.openedAt = known.openedAt ?? event.occurredAt;
  else known.resolvedAt = event.occurredAt;
  tickets.set(key, known);
}

/** One MRR point per account and moment (the last one given wins), in key order. */
export function dedupeMrr<T extends { workspaceId: string; accountId: string; at: string }>(
  points: T[],
): T[] {
  const byKey = new Map<string, T>();
  for (const p of points) byKey.set(`${p.workspaceId}\u0000${p.accountId}\u0000${p.at}`, p);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
}
