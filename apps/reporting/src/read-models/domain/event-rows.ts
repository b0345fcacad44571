import {
  AnyEventEnvelope,
  EventEnvelope,
  EventRegistry,
  LIFECYCLE_PHASES,
  TOUCH_MODELS,
  accountOwnerOf,
} from '@tsuzuku/contracts';
import { monthDate, monthOf } from '../../kpis/domain/month';
import { SUBSCRIPTION_EVENT_KINDS, SubscriptionEventKind } from '../../kpis/domain/mrr-movements';
import { AttributeFact, attributeVersions, compareFacts, sameAttributes } from '../../kpis/domain/slice';
import { isValidResponse } from '../../kpis/domain/surveys';

/**
 * What the read models keep of each event, as rows: the pure half of the read-model writer.
 * The writer claims the events in its inbox, reads what these functions need (the facts already
 * stored) and hands their rows to the repositories.
 */

type Envelope<K extends keyof EventRegistry> = EventEnvelope<K, EventRegistry[K]>;

/** One subscription event of the ledger (the mrr is missing on a cancellation). */
export interface SubscriptionEventRow {
  readonly id: string;
  readonly ws: string;
  readonly account: string;
  readonly sub: string;
  readonly kind: SubscriptionEventKind;
  readonly at: string;
  readonly mrr: number | null;
  readonly currency: string | null;
  readonly plan: string | null;
  readonly seats: number | null;
}

/** A valid survey answer, in the month it was given. */
export interface SurveyResponse {
  readonly id: string;
  readonly ws: string;
  readonly account: string;
  readonly respondent: string;
  readonly survey: string;
  readonly score: number;
  readonly at: string;
  readonly month: string;
}

/** One event's trace of activity: its account, its user (null when it has none) and its time. */
export interface ActivityTouch {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly userId: string | null;
  readonly at: number;
}

/** A health band an account had from an instant on. */
export interface BandChange {
  readonly id: string;
  readonly ws: string;
  readonly account: string;
  readonly at: string;
  readonly band: string | null;
}

/** An alert as reporting keeps it: its rule type, when it was raised and resolved. */
export interface AlertRecord {
  readonly workspaceId: string;
  readonly alertId: string;
  readonly accountId: string | null;
  readonly ruleType: string;
  readonly raisedAt: string;
  readonly resolvedAt: string | null;
}

/** The playbook run an event is about. */
export interface PlaybookRunRef {
  readonly workspaceId: string;
  readonly runId: string;
  readonly playbookId: string;
  readonly playbookName: string;
  readonly accountId: string | null;
}

export interface PlaybookRunStart extends PlaybookRunRef {
  readonly startedAt: string;
  readonly holdout: boolean;
}

export interface PlaybookRunFinish extends PlaybookRunRef {
  readonly status: string;
  readonly finishedAt: string;
}

/** An alert or playbook run change, applied in the order of the events. */
export type RunOrAlert =
  | { readonly kind: 'alert'; readonly row: AlertRecord }
  | { readonly kind: 'runStarted'; readonly row: PlaybookRunStart }
  | { readonly kind: 'runFinished'; readonly row: PlaybookRunFinish };

/** An attribute fact of one account of a workspace. */
export type AccountFact = AttributeFact & { readonly accountId: string; readonly workspaceId: string };

/** When an account's onboarding completed, as of one profile update. */
export interface ProfileRow {
  readonly account: string;
  readonly at: string;
  readonly id: string;
  readonly completed: string | null;
}

/** The rows of one run of events, before anything is read from the database. */
export interface EventRows {
  readonly subscriptions: SubscriptionEventRow[];
  /** The accounts whose ledger the run adds to (their MRR is derived again). */
  readonly ledgerAccounts: { readonly workspaceId: string; readonly accountId: string }[];
  readonly surveys: SurveyResponse[];
  readonly activity: ActivityTouch[];
  /** What group calls set, compared by the writer with the facts already stored. */
  readonly groupFacts: AccountFact[];
  /** Account updates with an account, turned into facts once the stored ones are known (`profileChanges`). */
  readonly accountUpdates: Envelope<'account.updated'>[];
  readonly bandChanges: BandChange[];
  readonly runsAndAlerts: RunOrAlert[];
}

const SUBSCRIPTION_EVENTS: Readonly<Record<string, SubscriptionEventKind>> = {
  'Subscription Started': 'started',
  'Subscription Changed': 'changed',
  'Subscription Renewed': 'renewed',
  'Subscription Cancelled': 'cancelled',
};

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const oneOf = (v: unknown, allowed: readonly string[]): string | null =>
  typeof v === 'string' && allowed.includes(v) ? v : null;

/**
 * The rows of a run of events. A customer event without an account (ingestion found neither
 * context.groupId nor a group membership of its user) is left out of every figure: it cannot be
 * sliced, and a later group call does not re-send it.
 */
export function eventRows(events: readonly AnyEventEnvelope[]): EventRows {
  const rows: EventRows = {
    subscriptions: [],
    ledgerAccounts: [],
    surveys: [],
    activity: [],
    groupFacts: [],
    accountUpdates: [],
    bandChanges: [],
    runsAndAlerts: [],
  };
  for (const e of events) {
    if (e.type === 'customer.event.recorded') customerEventRows(e, rows);
    else if (e.type === 'account.updated') {
      if (e.accountId) rows.accountUpdates.push(e);
    } else if (e.type === 'account.health.changed') {
      if (e.accountId)
        rows.bandChanges.push({
          id: e.id,
          ws: e.workspaceId,
          account: e.accountId,
          // The time the state stands for: a backfilled past state fills past dates.
          at: e.data.asOf ?? e.occurredAt,
          band: e.data.current.band,
        });
    } else if (e.type === 'alert.raised' || e.type === 'alert.updated' || e.type === 'alert.resolved')
      rows.runsAndAlerts.push({
        kind: 'alert',
        row: {
          workspaceId: e.workspaceId,
          alertId: e.data.alertId,
          accountId: e.accountId,
          ruleType: e.data.ruleType,
          raisedAt: e.data.openedAt,
          resolvedAt: e.data.resolvedAt,
        },
      });
    else if (e.type === 'playbook.run.started')
      rows.runsAndAlerts.push({
        kind: 'runStarted',
        row: { ...runOf(e), startedAt: e.occurredAt, holdout: e.data.holdout },
      });
    else if (e.type === 'playbook.run.finished')
      rows.runsAndAlerts.push({
        kind: 'runFinished',
        row: { ...runOf(e), status: e.data.status, finishedAt: e.occurredAt },
      });
  }
  return rows;
}

function runOf(e: Envelope<'playbook.run.started'> | Envelope<'playbook.run.finished'>): PlaybookRunRef {
  return {
    workspaceId: e.workspaceId,
    runId: e.data.runId,
    playbookId: e.data.playbookId,
    playbookName: e.data.playbookName,
    accountId: e.accountId,
  };
}

/**
 * Whether applying an event again changes nothing, so that the read models need no inbox claim
 * for it: a customer event whose only row is activity (a user's bit on a day, set once). Group
 * calls, subscription events, survey answers and every other envelope are claimed.
 */
export function isActivityOnly(e: AnyEventEnvelope): boolean {
  if (e.type !== 'customer.event.recorded') return false;
  const rows = eventRows([e]);
  return (
    rows.groupFacts.length === 0 &&
    rows.subscriptions.length === 0 &&
    rows.surveys.length === 0 &&
    rows.ledgerAccounts.length === 0
  );
}

/** A customer event's rows: activity always, then a group fact, a ledger entry or a survey answer. */
function customerEventRows(e: Envelope<'customer.event.recorded'>, rows: EventRows): void {
  if (!e.accountId) return;
  const d = e.data;
  const at = Date.parse(e.occurredAt);
  const user = d.userId ?? d.anonymousId;
  rows.activity.push({ workspaceId: e.workspaceId, accountId: e.accountId, userId: user, at });
  if (d.call === 'group') {
    const fact = groupFact(e, at);
    if (fact) rows.groupFacts.push(fact);
    return;
  }
  if (d.call !== 'track' || !d.event) return;
  const kind = SUBSCRIPTION_EVENTS[d.event];
  const p = d.properties;
  if (kind && SUBSCRIPTION_EVENT_KINDS.includes(kind)) {
    const subscriptionId = str(p['subscription_id']);
    const mrr = finite(p['mrr']);
    // Ingestion validated these; an event without them could not be placed in the ledger.
    if (!subscriptionId || (kind !== 'cancelled' && (mrr === null || mrr < 0))) return;
    rows.subscriptions.push({
      id: e.id,
      ws: e.workspaceId,
      account: e.accountId,
      sub: subscriptionId,
      kind,
      at: e.occurredAt,
      mrr,
      currency: str(p['currency']),
      plan: str(p['plan']),
      seats: finite(p['seats']),
    });
    rows.ledgerAccounts.push({ workspaceId: e.workspaceId, accountId: e.accountId });
  } else if (d.event === 'Survey Responded') {
    const survey = p['survey'];
    const score = finite(p['score']);
    if (typeof survey === 'string' && score !== null && isValidResponse(survey, score) && user)
      rows.surveys.push({
        id: e.id,
        ws: e.workspaceId,
        account: e.accountId,
        respondent: user,
        survey,
        score,
        at: e.occurredAt,
        month: monthDate(monthOf(at)),
      });
  }
}

/**
 * The attributes a group call sets, at its event time: segment, owner (csm_email) and plan, and
 * the touch model and phase when the traits name one (health-scoring's profile carries them too).
 * Undefined when it sets none.
 */
export function groupFact(e: Envelope<'customer.event.recorded'>, at: number): AccountFact | undefined {
  const t = e.data.traits;
  const fact = {
    workspaceId: e.workspaceId,
    accountId: e.accountId!,
    at,
    eventId: e.id,
    source: 'group' as const,
    segment: str(t['segment']),
    touchModel: oneOf(t['touch_model'], TOUCH_MODELS),
    phase: oneOf(t['phase'], LIFECYCLE_PHASES),
    owner: str(t['csm_email']),
    plan: str(t['plan']),
  };
  const setsSomething =
    fact.segment !== null ||
    fact.touchModel !== null ||
    fact.phase !== null ||
    fact.owner !== null ||
    fact.plan !== null;
  return setsSomething ? fact : undefined;
}

/**
 * account.updated of one workspace, given the facts stored for its accounts: the attributes
 * health-scoring derives (touch model, phase) and the traits it last saw (segment, owner, plan:
 * used only for an account none of whose group calls reporting has) become a profile fact at the
 * update's time when they differ from the profile in effect then (earlier updates of the same run
 * included); and each update's onboarding completion, as a profile row.
 */
export function profileChanges(
  updates: readonly Envelope<'account.updated'>[],
  stored: ReadonlyMap<string, readonly AttributeFact[]>,
): { facts: AccountFact[]; profiles: ProfileRow[] } {
  const known = new Map([...stored].map(([id, facts]) => [id, [...facts]]));
  const facts: AccountFact[] = [];
  const profiles: ProfileRow[] = [];
  for (const e of updates) {
    if (!e.accountId) continue;
    const accountId = e.accountId;
    const at = Date.parse(e.occurredAt);
    const fact: AttributeFact = {
      at,
      eventId: e.id,
      source: 'profile',
      segment: e.data.segment,
      touchModel: e.data.touchModel,
      phase: e.data.phase,
      owner: accountOwnerOf(e.data),
      plan: e.data.plan,
    };
    // The profile in effect at this instant: the latest one at or before it (none: nothing yet).
    const inEffect = (known.get(accountId) ?? [])
      .filter((f) => f.source === 'profile' && f.at <= at)
      .sort(compareFacts)
      .pop();
    if (!inEffect || !sameAttributes(inEffect, fact)) {
      known.set(accountId, [...(known.get(accountId) ?? []), fact]);
      facts.push({ workspaceId: e.workspaceId, accountId, ...fact });
    }
    profiles.push({
      account: accountId,
      at: e.occurredAt,
      id: e.id,
      completed: e.data.signals.onboardingCompletedAt,
    });
  }
  return { facts, profiles };
}

/**
 * The accounts whose attribute versions the added facts change (each fact counts whatever order
 * it came in: a late group call corrects the past it covers), in the order they first appear.
 */
export function accountsWithNewVersions(
  added: readonly AccountFact[],
  stored: ReadonlyMap<string, readonly AttributeFact[]>,
): string[] {
  const byAccount = new Map<string, AttributeFact[]>();
  for (const f of added) byAccount.set(f.accountId, [...(byAccount.get(f.accountId) ?? []), f]);
  return [...byAccount]
    .filter(([accountId, facts]) => {
      const before = stored.get(accountId) ?? [];
      const after = [...before, ...facts];
      return JSON.stringify(attributeVersions(before)) !== JSON.stringify(attributeVersions(after));
    })
    .map(([accountId]) => accountId);
}
