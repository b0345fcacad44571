import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AnyEventEnvelope,
  EventEnvelope,
  EventRegistry,
  LIFECYCLE_PHASES,
  TOUCH_MODELS,
  accountOwnerOf,
} from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { reportingDatabase } from '../database/reporting.database';
import { monthDate, monthOf } from '../kpis/domain/month';
import { SUBSCRIPTION_EVENT_KINDS, SubscriptionEventKind } from '../kpis/domain/mrr-movements';
import { AttributeFact, attributeVersions, compareFacts, sameAttributes } from '../kpis/domain/slice';
import { isValidResponse } from '../kpis/domain/surveys';
import { ActivityRecorder, ActivityTouch } from './activity.recorder';
import { MrrDeriver } from './mrr.deriver';
import { AlertsRepository } from './alerts.repository';
import { AttributesRepository } from './attributes.repository';
import { BandChangesRepository } from './band-changes.repository';
import { PlaybookRunsRepository } from './playbook-runs.repository';
import { MrrRepository } from './mrr.repository';
import { SurveyResponse, SurveysRepository } from './surveys.repository';
import { groupBy } from './sql';

/** The inbox consumer name of the read models (one inbox for every topic they read). */
export const READ_MODEL_INBOX = 'reporting.read-models';

type Envelope<K extends keyof EventRegistry> = EventEnvelope<K, EventRegistry[K]>;

const SUBSCRIPTION_EVENTS: Record<string, SubscriptionEventKind> = {
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
 * Applies runs of events from every topic reporting reads to its read models, in one transaction
 * per run with the inbox: a redelivered or replayed event changes nothing. Facts are keyed by
 * event id; the MRR read models of the accounts a run touched are derived again from their facts.
 */
@Injectable()
export class ReadModelWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deriver: MrrDeriver,
    private readonly activity: ActivityRecorder,
    private readonly attributes: AttributesRepository,
    private readonly bandChanges: BandChangesRepository,
    private readonly alerts: AlertsRepository,
    private readonly playbookRuns: PlaybookRunsRepository,
    private readonly surveys: SurveysRepository,
    private readonly mrr: MrrRepository,
  ) {}

  async apply(envelopes: readonly AnyEventEnvelope[], now = Date.now()): Promise<void> {
    if (envelopes.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const todo = await claimInbox(m, reportingDatabase.schema, READ_MODEL_INBOX, envelopes);
      if (todo.length === 0) return;
      const derive = new Map<string, Set<string>>();
      const touch = (ws: string, account: string) =>
        derive.set(ws, (derive.get(ws) ?? new Set()).add(account));

      const customer = todo.filter(
        (e): e is Envelope<'customer.event.recorded'> => e.type === 'customer.event.recorded',
      );
      await this.recordCustomerEvents(m, customer, touch);

      const updates = todo.filter((e): e is Envelope<'account.updated'> => e.type === 'account.updated');
      await this.recordAccountUpdates(m, updates, touch);

      const health = todo.filter(
        (e): e is Envelope<'account.health.changed'> => e.type === 'account.health.changed',
      );
      await this.bandChanges.insert(
        m,
        health
          .filter((e) => e.accountId)
          .map((e) => ({
            id: e.id,
            ws: e.workspaceId,
            account: e.accountId!,
            // The time the state stands for: a backfilled past state fills past dates.
            at: e.data.asOf ?? e.occurredAt,
            band: e.data.current.band,
          })),
      );

      for (const e of todo) {
        if (e.type === 'alert.raised' || e.type === 'alert.updated' || e.type === 'alert.resolved')
          await this.alerts.upsert(m, {
            workspaceId: e.workspaceId,
            alertId: e.data.alertId,
            accountId: e.accountId,
            ruleType: e.data.ruleType,
            raisedAt: e.data.openedAt,
            resolvedAt: e.data.resolvedAt,
          });
        else if (e.type === 'playbook.run.started')
          await this.playbookRuns.started(m, {
            workspaceId: e.workspaceId,
            runId: e.data.runId,
            playbookId: e.data.playbookId,
            playbookName: e.data.playbookName,
            accountId: e.accountId,
            startedAt: e.occurredAt,
            holdout: e.data.holdout,
          });
        else if (e.type === 'playbook.run.finished')
          await this.playbookRuns.finished(m, {
            workspaceId: e.workspaceId,
            runId: e.data.runId,
            playbookId: e.data.playbookId,
            playbookName: e.data.playbookName,
            accountId: e.accountId,
            status: e.data.status,
            finishedAt: e.occurredAt,
          });
      }

      for (const [ws, accounts] of [...derive].sort(([a], [b]) => (a < b ? -1 : 1)))
        await this.deriver.derive(m, ws, [...accounts], now);
    });
  }

  /**
   * Subscription events into the ledger, survey answers, and activity. An event without an
   * account (ingestion found neither context.groupId nor a group membership of its user) is
   * left out of every figure: it cannot be sliced, and a later group call does not re-send it.
   */
  private async recordCustomerEvents(
    m: EntityManager,
    events: readonly Envelope<'customer.event.recorded'>[],
    touch: (ws: string, account: string) => void,
  ): Promise<void> {
    const subscriptions: object[] = [];
    const surveys: SurveyResponse[] = [];
    const activity: ActivityTouch[] = [];
    const traits: (AttributeFact & { accountId: string; workspaceId: string })[] = [];
    for (const e of events) {
      if (!e.accountId) continue;
      const d = e.data;
      const at = Date.parse(e.occurredAt);
      const user = d.userId ?? d.anonymousId;
      activity.push({ workspaceId: e.workspaceId, accountId: e.accountId, userId: user, at });
      if (d.call === 'group') {
        const fact = groupFact(e, at);
        if (fact) traits.push(fact);
        continue;
      }
      if (d.call !== 'track' || !d.event) continue;
      const kind = SUBSCRIPTION_EVENTS[d.event];
      const p = d.properties;
      if (kind && SUBSCRIPTION_EVENT_KINDS.includes(kind)) {
        const subscriptionId = str(p['subscription_id']);
        const mrr = finite(p['mrr']);
        // Ingestion validated these; an event without them could not be placed in the ledger.
        if (!subscriptionId || (kind !== 'cancelled' && (mrr === null || mrr < 0))) continue;
        subscriptions.push({
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
        touch(e.workspaceId, e.accountId);
      } else if (d.event === 'Survey Responded') {
        const survey = p['survey'];
        const score = finite(p['score']);
        if (typeof survey === 'string' && score !== null && isValidResponse(survey, score) && user)
          surveys.push({
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
    await this.mrr.insertSubscriptionEvents(m, subscriptions);
    await this.surveys.record(m, surveys);
    await this.activity.record(m, activity);
    for (const [ws, facts] of groupBy(traits, (f) => f.workspaceId)) {
      const known = await this.attributes.facts(m, ws, [...new Set(facts.map((f) => f.accountId))]);
      await this.recordAttributeFacts(m, ws, facts, known, touch);
    }
  }

  /**
   * Stores attribute facts, each kept whatever order it came in (a late group call corrects the
   * past it covers), and has the accounts whose versions they change derived again.
   */
  private async recordAttributeFacts(
    m: EntityManager,
    workspaceId: string,
    facts: readonly (AttributeFact & { accountId: string })[],
    known: ReadonlyMap<string, readonly AttributeFact[]>,
    touch: (ws: string, account: string) => void,
  ): Promise<void> {
    await this.attributes.insertFacts(m, workspaceId, facts);
    for (const [accountId, added] of groupBy(facts, (f) => f.accountId)) {
      const before = known.get(accountId) ?? [];
      const after = [...before, ...added];
      if (JSON.stringify(attributeVersions(before)) !== JSON.stringify(attributeVersions(after)))
        touch(workspaceId, accountId);
    }
  }

  /**
   * account.updated: the attributes health-scoring derives (touch model, phase) and the traits it
   * last saw (segment, owner, plan: used only for an account none of whose group calls reporting
   * has), as a profile fact at the update's time when they differ from the profile in effect
   * then; and when onboarding completed (from the latest update).
   */
  private async recordAccountUpdates(
    m: EntityManager,
    updates: readonly Envelope<'account.updated'>[],
    touch: (ws: string, account: string) => void,
  ): Promise<void> {
    const withAccount = updates.filter((e) => e.accountId);
    if (withAccount.length === 0) return;
    for (const [ws, list] of groupBy(withAccount, (e) => e.workspaceId)) {
      const ids = [...new Set(list.map((e) => e.accountId!))];
      const known = await this.attributes.facts(m, ws, ids);
      const stored = new Map([...known].map(([id, facts]) => [id, [...facts]]));
      const inserted: (AttributeFact & { accountId: string })[] = [];
      const profiles: object[] = [];
      for (const e of list) {
        const accountId = e.accountId!;
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
          inserted.push({ accountId, ...fact });
        }
        profiles.push({
          account: accountId,
          at: e.occurredAt,
          id: e.id,
          completed: e.data.signals.onboardingCompletedAt,
        });
      }
      await this.recordAttributeFacts(m, ws, inserted, stored, touch);
      await this.mrr.recordProfiles(m, ws, profiles);
    }
  }
}

/**
 * The attributes a group call sets, at its event time: segment, owner (csm_email) and plan, and
 * the touch model and phase when the traits name one (health-scoring's profile carries them too).
 */
function groupFact(
  e: Envelope<'customer.event.recorded'>,
  at: number,
): (AttributeFact & { accountId: string; workspaceId: string }) | undefined {
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
