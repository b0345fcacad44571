import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  AccountHealth,
  AccountHealthChangedData,
  AccountSignals,
  AccountUpdatedData,
  AnyEventEnvelope,
  CustomerEventData,
  EventEnvelope,
  EventCause,
  HealthBand,
  LifecyclePhase,
  TouchModel,
  envelopeMessage,
} from '@tsuzuku/contracts';
import { OutboxMessage, claimInbox, enqueueOutbox } from '@tsuzuku/platform-database';
import {
  HealthScore,
  MeasureInput,
  MeasureResult,
  calculateHealthScore,
} from '../scorecards/domain/health-score.calculator';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { bandOf } from '../scorecards/domain/scorecard';
import { EventEffects, effectsOf, subscriptionStatusOf } from './domain/event-effects';
import { AccountFacts, isP1, metricValues } from './domain/metrics';
import { lifecyclePhase, onboardingCompletedAt, touchModel } from './domain/lifecycle';
import { endOfDay, factsAsOf, isHistorical } from './domain/past-facts';
import { WorkspaceSettings } from '../settings/domain/workspace-settings';
import { WorkspaceSettingsService } from '../settings/workspace-settings.service';
import { Clock } from './clock';
import { RescoreOptions, Rescorer, ScorecardDirectory, StoredScorecard, scorecardFor } from './ports';
import {
  AccountKey,
  AccountRow,
  BulkFacts,
  DayDelta,
  HistoryPoint,
  TicketChange,
  accountKeysOf,
  addAccountEvents,
  addHistory,
  addActiveUsers,
  addMrrPoints,
  addUsage,
  backfilledDaysAfter,
  keyOf,
  loadFacts,
  loadPast,
  lockAccounts,
  markBackfilled,
  pendingCount,
  pointsBefore,
  saveAccounts,
  saveTickets,
  settledCandidates,
  sortedKeys,
  takeSettled,
} from './scoring.store';

export const SCORING_CONSUMER = 'health-scoring.scoring';
const SCHEMA = 'health_scoring';
const DAY_MS = 86_400_000;

type CustomerEvent = EventEnvelope<'customer.event.recorded', CustomerEventData>;

/** Why an account is being scored: the events that touched it, or a named cause. */
interface Cause extends EventCause {
  readonly reason: string;
}

/** How a scoring run treats what it computes. */
interface ScoreOptions {
  /**
   * The health last announced, when it is not the row's: a backfill's present state is compared
   * with the health the account had before the backfill began. Its present point is then written.
   */
  readonly previousOf?: (key: string) => AccountHealth | null;
}

/** The days of historical events an account got in a run. */
interface PastDays {
  readonly key: AccountKey;
  readonly days: Set<string>;
}

const SETTLE_CHUNK = 500;
/**
 * An account's backfill settles when its history and its workspace's have been quiet for
 * BACKFILL_SETTLE_MS, or its own for this many times that, so that a workspace that never stops
 * sending old events does not hold its accounts back forever.
 */
const LONG_QUIET_FACTOR = 10;

const SOURCE = 'health-scoring';

/**
 * The scoring engine: applies runs of customer events to account profiles and daily usage, then
 * rescores the accounts they touched, all in one transaction with the inbox (a redelivered or
 * replayed event changes nothing) and the outbox (cs.health.v1 and cs.accounts.v1 are published
 * exactly when the change commits).
 */
@Injectable()
export class ScoringEngine extends Rescorer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scorecards: ScorecardDirectory,
    private readonly clock: Clock,
    private readonly workspaceSettings: WorkspaceSettingsService,
    private readonly config: HealthScoringConfig,
  ) {
    super();
  }

  /** Applies a run of events from cs.events.v1, in order. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const events = envelopes.filter((e): e is CustomerEvent => e.type === 'customer.event.recorded');
    if (events.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const todo = await this.attribute(m, await claimInbox(m, SCHEMA, SCORING_CONSUMER, events));
      if (todo.length === 0) return;
      const settings = await this.settingsFor(new Set(todo.map((t) => t.event.workspaceId)));
      const keys = sortedKeys(
        todo.map((t) => ({ workspaceId: t.event.workspaceId, accountId: t.accountId })),
      );
      const rows = await lockAccounts(m, keys);
      const causes = new Map<string, { names: Map<string, number>; last: CustomerEvent }>();
      const days = new Map<string, DayDelta>();
      const activeUsers = new Map<
        string,
        { workspaceId: string; accountId: string; day: string; userId: string }
      >();
      const tickets = new Map<string, TicketChange>();
      const mrrPoints: { workspaceId: string; accountId: string; at: string; mrr: number }[] = [];
      const notable: Parameters<typeof addAccountEvents>[1][number][] = [];
      const now = this.clock.now();
      // Accounts with a live event get today's path; history only rebuilds the past.
      const live = new Set<string>();
      const past = new Map<string, PastDays>();
      for (const { event, accountId } of todo) {
        const key = keyOf({ workspaceId: event.workspaceId, accountId });
        if (
          isHistorical(
            { occurredAt: event.occurredAt, backfill: event.data.backfill },
            now,
            this.config.BACKFILL_HORIZON_HOURS,
          )
        ) {
          const entry = past.get(key) ?? {
            key: { workspaceId: event.workspaceId, accountId },
            days: new Set(),
          };
          entry.days.add(event.occurredAt.slice(0, 10));
          past.set(key, entry);
        } else live.add(key);
        const effects = effectsOf(event.data, event.occurredAt);
        const ws = settings.get(event.workspaceId)!;
        const row = rows.get(key) ?? newAccount(event.workspaceId, accountId, event.occurredAt);
        rows.set(key, row);
        const keyFeature = effects.trackName !== undefined && ws.keyFeatures.includes(effects.trackName);
        applyToProfile(row, effects, event, keyFeature);
        const day = dayDelta(days, event.workspaceId, accountId, effects.day);
        addToDay(day, effects, keyFeature);
        if (effects.actor && event.data.call !== 'group' && event.data.call !== 'identify')
          activeUsers.set(`${key}\u0000${effects.day}\u0000${effects.actor}`, {
            workspaceId: event.workspaceId,
            accountId,
            day: effects.day,
            userId: effects.actor,
          });
        if (effects.ticket) mergeTicket(tickets, event, accountId, effects.ticket);
        if (effects.mrr !== undefined)
          mrrPoints.push({
            workspaceId: event.workspaceId,
            accountId,
            at: event.occurredAt,
            mrr: effects.mrr,
          });
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
      await addUsage(m, [...days.values()]);
      await addActiveUsers(
        m,
        [...activeUsers.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1)),
      );
      await saveTickets(
        m,
        [...tickets.values()].sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1)),
      );
      await addMrrPoints(m, dedupeMrr(mrrPoints));
      await addAccountEvents(m, notable);
      const causeOf = (key: string): Cause => {
        const cause = causes.get(key)!;
        return {
          reason: `events: ${[...cause.names].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n)).join(', ')}`,
          causationId: cause.last.id,
          correlationId: cause.last.correlationId,
        };
      };
      // The health each history-only account had before this run, kept by its first mark: what
      // its present state is announced against when the backfill settles; and the days its
      // history touched, whose past is rebuilt then, once for the whole import rather than once
      // per run (an account's history comes in many runs). An account with a live event here has
      // had its present announced already, and its past is rebuilt now.
      const marks = [...past.values()]
        .filter((p) => !live.has(keyOf(p.key)))
        .map((p) => {
          const row = rows.get(keyOf(p.key));
          return { key: p.key, previous: row?.scoredAt ? healthOf(row) : null, days: [...p.days] };
        });
      // A history-only account keeps its profile now and gets its present computed and announced
      // once, when the backfill settles: computing it after every run of an import is wasted.
      await this.score(
        m,
        keys.filter((k) => live.has(keyOf(k))),
        rows,
        settings,
        causeOf,
      );
      await saveAccounts(
        m,
        keys.filter((k) => !live.has(keyOf(k))).map((k) => rows.get(keyOf(k))!),
      );
      await this.scorePast(
        m,
        [...past.values()].filter((p) => live.has(keyOf(p.key))),
        rows,
        settings,
        now,
        causeOf,
      );
      await markBackfilled(m, marks, now);
    });
  }

  /**
   * Announces the present state of the accounts whose backfill has settled (their history and
   * their workspace's quiet for BACKFILL_SETTLE_MS), once each (asOf now, not backfill): the
   * conditions that hold at the end of an import are acted on then, on live state. Returns how
   * many.
   */
  async settleBackfills(): Promise<number> {
    const now = this.clock.now().getTime();
    const quietSince = new Date(now - this.config.BACKFILL_SETTLE_MS);
    const longQuietSince = new Date(now - LONG_QUIET_FACTOR * this.config.BACKFILL_SETTLE_MS);
    let settled = 0;
    for (;;) {
      const candidates = await settledCandidates(
        this.dataSource.manager,
        quietSince,
        longQuietSince,
        SETTLE_CHUNK,
      );
      if (candidates.length === 0) return settled;
      await this.dataSource.transaction(async (m) => {
        const sorted = sortedKeys(candidates);
        const rows = await lockAccounts(m, sorted);
        const taken = await takeSettled<AccountHealth>(m, sorted, quietSince, longQuietSince);
        const present = sorted.filter((k) => taken.has(keyOf(k)) && rows.has(keyOf(k)));
        const settings = await this.settingsFor(new Set(present.map((k) => k.workspaceId)));
        const correlationId = randomUUID();
        // First the past the history touched, as the score stood at the end of each day; then
        // the present, once.
        await this.scorePast(
          m,
          present
            .map((key) => ({ key, days: new Set(taken.get(keyOf(key))!.days) }))
            .filter((p) => p.days.size > 0),
          rows,
          settings,
          this.clock.now(),
          () => ({ reason: 'imported history', causationId: null, correlationId }),
        );
        await this.score(
          m,
          present,
          rows,
          settings,
          () => ({ reason: 'backfill settled', causationId: null, correlationId }),
          { previousOf: (key) => taken.get(key)?.previous ?? null },
        );
        settled += present.length;
      });
      if (candidates.length < SETTLE_CHUNK) return settled;
    }
  }

  /**
   * Rebuilds the past of accounts that got historical events: one history point per day with
   * events, as the score stood at the end of that day (computed from the events up to then), and
   * an account.health.changed marked backfill where it moved from the point before. The days
   * rebuilt before that come after the earliest of these events are rebuilt again: what the score
   * stood at then includes the late event.
   */
  private async scorePast(
    m: EntityManager,
    past: readonly PastDays[],
    rows: Map<string, AccountRow>,
    settings: Map<string, WorkspaceSettings>,
    now: Date,
    causeOf: (key: string) => Cause,
  ): Promise<void> {
    if (past.length === 0) return;
    const firstDay = (p: PastDays) => [...p.days].sort()[0]!;
    const later = await backfilledDaysAfter(
      m,
      past.map((p) => ({ key: p.key, after: endOfDay(firstDay(p), now).toISOString() })),
    );
    for (const p of past) for (const day of later.get(keyOf(p.key)) ?? []) p.days.add(day);
    const allDays = past.flatMap((p) => [...p.days]).sort();
    const keys = sortedKeys(past.map((p) => p.key));
    const keyFeatures = [...new Set([...settings.values()].flatMap((s) => s.keyFeatures))];
    const facts = await loadPast(m, keys, allDays[0]!, allDays[allDays.length - 1]!, keyFeatures);
    const before = await pointsBefore(
      m,
      past.map((p) => ({ key: p.key, before: endOfDay(firstDay(p), now).toISOString() })),
    );
    const scorecards = new Map<string, readonly StoredScorecard[]>();
    for (const ws of new Set(keys.map((k) => k.workspaceId)))
      scorecards.set(ws, await this.scorecards.scorecardsOf(ws));
    const peerValues = new Map<string, { accountId: string; value: number }[]>();
    const history: HistoryPoint[] = [];
    const outbox: OutboxMessage[] = [];
    for (const p of past) {
      const key = keyOf(p.key);
      const row = rows.get(key)!;
      const ws = settings.get(p.key.workspaceId)!;
      // The touch model as the present scoring would set it (a new account has none yet).
      const card = scorecardFor(scorecards.get(p.key.workspaceId) ?? [], {
        segment: row.segment,
        touchModel: touchModel({ touchTrait: row.touchTrait, mrr: row.mrr }, ws),
      });
      const start = before.get(key);
      let previous: AccountHealth | null = start
        ? { ...start, band: start.band as HealthBand | null, scorecardId: card?.id ?? null, override: null }
        : null;
      let previousMeasures: readonly MeasureResult[] = [];
      const cause = causeOf(key);
      for (const day of [...p.days].sort()) {
        const asOf = endOfDay(day, now);
        const accountFacts = factsAsOf(facts.get(key)!, row, ws, asOf);
        const result = card ? await this.computed(m, card, row, accountFacts, asOf, peerValues) : null;
        const score = result?.score ?? null;
        const current: AccountHealth = {
          score,
          band: score === null ? null : bandOf(score, card?.bands),
          computedScore: score,
          coverage: result?.coverage ?? 0,
          scorecardId: card?.id ?? null,
          override: null,
        };
        history.push({
          workspaceId: p.key.workspaceId,
          accountId: p.key.accountId,
          at: asOf.toISOString(),
          score: current.score,
          band: current.band,
          computedScore: current.computedScore,
          coverage: current.coverage,
          reason: `backfill (${cause.reason})`,
          backfill: true,
        });
        const moved = !previous || previous.score !== current.score || previous.band !== current.band;
        if (moved && (previous || current.score !== null)) {
          const data: AccountHealthChangedData = {
            previous,
            current,
            reason: `backfill (${cause.reason})`,
            movers: movers(previousMeasures, result?.measures ?? []),
            asOf: asOf.toISOString(),
            backfill: true,
          };
          outbox.push(envelopeMessage('account.health.changed', SOURCE, row, data, cause, asOf));
        }
        previous = current;
        previousMeasures = result?.measures ?? [];
      }
    }
    await addHistory(m, history);
    await enqueueOutbox(m, SCHEMA, outbox);
  }

  override async rescoreWorkspace(
    workspaceId: string,
    reason: string,
    options: RescoreOptions = {},
  ): Promise<number> {
    const keys = await accountKeysOf(this.dataSource.manager, workspaceId);
    for (let i = 0; i < keys.length; i += 500) await this.rescore(keys.slice(i, i + 500), reason, options);
    return keys.length;
  }

  override async rescoreAccount(workspaceId: string, accountId: string, reason: string): Promise<void> {
    await this.rescore([{ workspaceId, accountId }], reason);
  }

  /** How many of the workspace's accounts wait for their present state after a backfill. */
  pendingBackfills(workspaceId: string): Promise<number> {
    return pendingCount(this.dataSource.manager, workspaceId);
  }

  /** Workspaces that have accounts, for the sweep. */
  async workspaces(): Promise<string[]> {
    const rows: { workspace_id: string }[] = await this.dataSource.query(
      'SELECT DISTINCT workspace_id FROM health_scoring.accounts ORDER BY workspace_id',
    );
    return rows.map((r) => r.workspace_id);
  }

  /** Ends the overrides whose expiry has passed and rescores their accounts. */
  async expireOverrides(): Promise<number> {
    const [ended]: [{ workspace_id: string; account_id: string }[], number] = await this.dataSource.query(
      `UPDATE health_scoring.overrides SET ended_at = $1, ended_why = 'expired'
       WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $1
       RETURNING workspace_id, account_id`,
      [this.clock.now().toISOString()],
    );
    for (const r of ended) await this.rescoreAccount(r.workspace_id, r.account_id, 'override expired');
    return ended.length;
  }

  private async rescore(
    keys: readonly AccountKey[],
    reason: string,
    options: RescoreOptions = {},
  ): Promise<void> {
    const sorted = sortedKeys(keys);
    await this.dataSource.transaction(async (m) => {
      const rows = await lockAccounts(m, sorted);
      const present = sorted.filter((k) => rows.has(keyOf(k)));
      const settings = await this.settingsFor(new Set(present.map((k) => k.workspaceId)));
      const correlationId = randomUUID();
      await this.score(
        m,
        present,
        rows,
        settings,
        () => ({ reason, causationId: null, correlationId }),
        options,
      );
    });
  }

  /**
   * Scores the accounts and writes rows, history and outbox messages: account.health.changed
   * when the health moved, and account.updated for every account scored, since its signals
   * (usage windows, days since sign-in) move with events and with time; with `onlyChanged` (the
   * sweep), account.updated only where it would say something the last one did not.
   * (usage windows, days since sign-in) move with events and with time.
   */
  private async score(
    m: EntityManager,
    keys: readonly AccountKey[],
    rows: Map<string, AccountRow>,
    settings: Map<string, WorkspaceSettings>,
    causeOf: (key: string) => Cause,
    options: RescoreOptions & ScoreOptions = {},
  ): Promise<void> {
    const asOf = this.clock.now();
    const facts = await loadFacts(m, keys, asOf);
    const scorecards = new Map<string, readonly StoredScorecard[]>();
    for (const ws of new Set(keys.map((k) => k.workspaceId)))
      scorecards.set(ws, await this.scorecards.scorecardsOf(ws));
    const outbox: OutboxMessage[] = [];
    const history: HistoryPoint[] = [];
    const peerValues = new Map<string, { accountId: string; value: number }[]>();
    const changed: AccountRow[] = [];
    for (const k of keys) {
      const key = keyOf(k);
      const row = rows.get(key);
      if (!row) continue;
      const before = { ...row, measures: row.measures };
      const previousHealth = options.previousOf
        ? options.previousOf(key)
        : row.scoredAt
          ? healthOf(row)
          : null;
      const ws = settings.get(k.workspaceId)!;
      const accountFacts = factsOf(row, facts, key, ws);
      row.touchModel = touchModel({ touchTrait: row.touchTrait, mrr: row.mrr }, ws);
      row.phase = lifecyclePhase(
        {
          phaseTrait: row.phaseTrait,
          touchTrait: row.touchTrait,
          expansion: row.expansion,
          mrr: row.mrr,
          seats: row.seats,
          activeUsers30d: accountFacts.activeUsers.get(30) ?? 0,
          renewalDate: row.renewalDate,
          onboardingDone: row.onboardingDone,
        },
        ws,
        asOf,
      );
      const card = scorecardFor(scorecards.get(k.workspaceId) ?? [], row);
      const override = facts.overrides.get(key);
      const activeOverride =
        override && (override.expiresAt === null || Date.parse(override.expiresAt) > asOf.getTime())
          ? override
          : undefined;
      const now = metricValues(accountFacts, asOf);
      if (card) {
        const result = await this.computed(m, card, row, accountFacts, asOf, peerValues, now);
        row.computedScore = result.score;
        row.coverage = result.coverage;
        row.measures = [...result.measures];
        row.scorecardId = card.id;
        row.score = activeOverride ? activeOverride.score : result.score;
        row.band = row.score === null ? null : bandOf(row.score, card.bands);
      } else {
        row.computedScore = null;
        row.coverage = 0;
        row.measures = [];
        row.scorecardId = null;
        row.score = activeOverride ? activeOverride.score : null;
        row.band = row.score === null ? null : bandOf(row.score);
      }
      row.scoredAt = asOf.toISOString();
      changed.push(row);
      const current = healthOf(row, activeOverride);
      const cause = causeOf(key);
      const healthMoved =
        !previousHealth ||
        previousHealth.score !== current.score ||
        previousHealth.band !== current.band ||
        previousHealth.computedScore !== current.computedScore;
      const lastPoint = facts.lastHistoryAt.get(key);
      const dailyPointDue =
        !lastPoint || lastPoint.toISOString().slice(0, 10) < asOf.toISOString().slice(0, 10);
      if (healthMoved || dailyPointDue || options.previousOf)
        history.push({
          workspaceId: row.workspaceId,
          accountId: row.accountId,
          at: asOf.toISOString(),
          score: row.score,
          band: row.band,
          computedScore: row.computedScore,
          coverage: row.coverage,
          reason: healthMoved ? cause.reason : `daily point (${cause.reason})`,
          backfill: false,
        });
      if (healthMoved && (previousHealth || current.score !== null)) {
        const data: AccountHealthChangedData = {
          previous: previousHealth,
          current,
          reason: cause.reason,
          movers: movers(before.measures, row.measures),
          asOf: asOf.toISOString(),
          backfill: false,
        };
        outbox.push(envelopeMessage('account.health.changed', SOURCE, row, data, cause, asOf));
      }
      const updated = accountUpdated(
        row,
        signalsOf(accountFacts, facts, key, now, asOf, onboardingCompletedAt(row, ws)),
        activeOverride,
      );
      const fingerprint = fingerprintOf(updated);
      if (!options.onlyChanged || fingerprint !== row.publishedFingerprint) {
        outbox.push(envelopeMessage('account.updated', SOURCE, row, updated, cause, asOf));
        row.publishedFingerprint = fingerprint;
      }
    }
    await saveAccounts(m, changed);
    await addHistory(m, history);
    await enqueueOutbox(m, SCHEMA, outbox);
  }

  /** What the scorecard computes for the account's facts as of a moment. */
  private async computed(
    m: EntityManager,
    card: StoredScorecard,
    row: AccountRow,
    accountFacts: AccountFacts,
    asOf: Date,
    peerValues: Map<string, { accountId: string; value: number }[]>,
    values = metricValues(accountFacts, asOf),
  ): Promise<HealthScore> {
    const inputs = new Map<string, MeasureInput>();
    for (const measure of card.measures) {
      const value = values.get(measure.metric) ?? null;
      if (measure.method.kind === 'trend') {
        const past = metricValues(
          { ...accountFacts, activeUsers: new Map() },
          new Date(asOf.getTime() - measure.method.days * DAY_MS),
        );
        // Distinct active users are only known for the current window.
        const previous =
          measure.metric === 'active_users_ratio_30d' ? null : (past.get(measure.metric) ?? null);
        inputs.set(measure.id, { value, previous });
      } else if (measure.method.kind === 'percentile') {
        // Peers as they stand now, also for a past day: their own past is not kept per day.
        const peerKey = `${row.workspaceId}\u0000${row.segment ?? ''}\u0000${measure.metric}`;
        let peers = peerValues.get(peerKey);
        if (!peers) {
          peers = await this.peers(m, row, measure.metric);
          peerValues.set(peerKey, peers);
        }
        inputs.set(measure.id, {
          value,
          peers: peers.filter((p) => p.accountId !== row.accountId).map((p) => p.value),
        });
      } else inputs.set(measure.id, { value });
    }
    return calculateHealthScore(card.measures, inputs, card.bands);
  }

  /** The same metric's values among the other accounts of the segment, from their last scoring. */
  private async peers(
    m: EntityManager,
    row: AccountRow,
    metric: string,
  ): Promise<{ accountId: string; value: number }[]> {
    const rows: { account_id: string; value: string | null }[] = await m.query(
      `SELECT a.account_id, (x->>'value') AS value FROM health_scoring.accounts a, jsonb_array_elements(a.measures) x
       WHERE a.workspace_id = $1 AND a.segment IS NOT DISTINCT FROM $2 AND x->>'metric' = $3`,
      [row.workspaceId, row.segment, metric],
    );
    return rows
      .filter((r) => r.value !== null)
      .map((r) => ({ accountId: r.account_id, value: Number(r.value) }));
  }

  /**
   * Gives every event its account. Group calls record the user's membership and bring back the
   * events that user sent before any account was known; an event without an account and without
   * a known membership is kept until one arrives.
   */
  private async attribute(
    m: EntityManager,
    events: readonly CustomerEvent[],
  ): Promise<{ event: CustomerEvent; accountId: string }[]> {
    const actorOf = (e: CustomerEvent) => e.data.userId ?? e.data.anonymousId;
    const joins = new Map<string, { workspaceId: string; userId: string; accountId: string; at: string }>();
    for (const e of events) {
      const actor = actorOf(e);
      if (e.data.call !== 'group' || !actor || !e.data.groupId) continue;
      const key = `${e.workspaceId}\u0000${actor}`;
      const known = joins.get(key);
      if (!known || known.at <= e.occurredAt)
        joins.set(key, {
          workspaceId: e.workspaceId,
          userId: actor,
          accountId: e.data.groupId,
          at: e.occurredAt,
        });
    }
    const joinList = [...joins.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1));
    if (joinList.length > 0)
      await m.query(
        `INSERT INTO health_scoring.memberships AS ms (workspace_id, user_id, account_id, joined_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "userId" text, "accountId" text, at timestamptz)
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id, joined_at = EXCLUDED.joined_at
           WHERE ms.joined_at <= EXCLUDED.joined_at`,
        [JSON.stringify(joinList)],
      );
    const orphans = events.filter((e) => !e.accountId && !(e.data.call === 'group' && e.data.groupId));
    const memberships = new Map<string, string>();
    if (orphans.length > 0) {
      const rows: { workspace_id: string; user_id: string; account_id: string }[] = await m.query(
        `SELECT workspace_id, user_id, account_id FROM health_scoring.memberships
         JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, user_id) USING (workspace_id, user_id)`,
        [orphans.map((e) => e.workspaceId), orphans.map((e) => actorOf(e) ?? '')],
      );
      for (const r of rows) memberships.set(`${r.workspace_id}\u0000${r.user_id}`, r.account_id);
    }
    const out: { event: CustomerEvent; accountId: string }[] = [];
    const kept: CustomerEvent[] = [];
    for (const e of events) {
      const accountId =
        e.accountId ??
        (e.data.call === 'group' ? e.data.groupId : undefined) ??
        memberships.get(`${e.workspaceId}\u0000${actorOf(e) ?? ''}`);
      if (accountId) out.push({ event: e, accountId });
      else if (actorOf(e)) kept.push(e);
      // An event with neither account nor actor cannot belong to anyone; ingestion refuses those.
    }
    if (kept.length > 0)
      await m.query(
        `INSERT INTO health_scoring.unattributed_events (workspace_id, user_id, event_id, envelope)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) ON CONFLICT DO NOTHING`,
        [
          kept.map((e) => e.workspaceId),
          kept.map((e) => actorOf(e)),
          kept.map((e) => e.id),
          kept.map((e) => JSON.stringify(e)),
        ],
      );
    if (joinList.length > 0) {
      // TypeORM answers DELETE ... RETURNING with [rows, count].
      const [released]: [{ envelope: CustomerEvent; account_id: string }[], number] = await m.query(
        `DELETE FROM health_scoring.unattributed_events u USING jsonb_to_recordset($1::jsonb)
           AS r("workspaceId" text, "userId" text, "accountId" text)
         WHERE u.workspace_id = r."workspaceId" AND u.user_id = r."userId"
         RETURNING u.envelope, r."accountId" AS account_id`,
        [JSON.stringify(joinList)],
      );
      for (const r of released) out.push({ event: r.envelope, accountId: r.account_id });
    }
    return out;
  }

  private async settingsFor(workspaces: Set<string>): Promise<Map<string, WorkspaceSettings>> {
    const settings = new Map<string, WorkspaceSettings>();
    for (const w of workspaces) settings.set(w, await this.workspaceSettings.settingsOf(w));
    return settings;
  }
}

function newAccount(workspaceId: string, accountId: string, firstSeenAt: string): AccountRow {
  return {
    workspaceId,
    accountId,
    name: null,
    plan: null,
    mrr: null,
    seats: null,
    renewalDate: null,
    csmEmail: null,
    segment: null,
    industry: null,
    traits: {},
    touchTrait: null,
    phaseTrait: null,
    expansion: false,
    onboardingDone: [],
    onboardingStepsAt: {},
    subscriptions: {},
    featuresUsed: [],
    firstSeenAt,
    lastSeenAt: null,
    lastSignInAt: null,
    latestNps: null,
    latestNpsAt: null,
    phase: 'onboarding',
    touchModel: 'tech',
    computedScore: null,
    score: null,
    band: null,
    coverage: 0,
    scorecardId: null,
    measures: [],
    scoredAt: null,
    publishedFingerprint: null,
  };
}

const later = (a: string | null, b: string): string => (a === null || a < b ? b : a);

function applyToProfile(
  row: AccountRow,
  effects: EventEffects,
  event: CustomerEvent,
  keyFeature: boolean,
): void {
  if (event.occurredAt < row.firstSeenAt) row.firstSeenAt = event.occurredAt;
  row.lastSeenAt = later(row.lastSeenAt, event.occurredAt);
  const t = effects.traits;
  if (t) {
    row.traits = { ...row.traits, ...event.data.traits };
    row.name = t.name ?? row.name;
    row.plan = t.plan ?? row.plan;
    row.mrr = t.mrr ?? row.mrr;
    row.seats = t.seats ?? row.seats;
    row.renewalDate = t.renewalDate ?? row.renewalDate;
    row.csmEmail = t.csmEmail ?? row.csmEmail;
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
  if (effects.mrr !== undefined) row.mrr = effects.mrr;
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

function addToDay(day: DayDelta, effects: EventEffects, keyFeature: boolean): void {
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

function dedupeMrr<T extends { workspaceId: string; accountId: string; at: string }>(points: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const p of points) byKey.set(`${p.workspaceId}\u0000${p.accountId}\u0000${p.at}`, p);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
}

function factsOf(row: AccountRow, facts: BulkFacts, key: string, settings: WorkspaceSettings): AccountFacts {
  return {
    seats: row.seats,
    days: facts.days.get(key) ?? [],
    activeUsers: new Map([[30, facts.activeUsers.get(key)?.d30 ?? 0]]),
    lastSignInAt: row.lastSignInAt ? new Date(row.lastSignInAt) : null,
    keyFeatures: settings.keyFeatures,
    featuresUsed: row.featuresUsed,
    milestones: settings.onboardingMilestones,
    onboardingDone: row.onboardingDone,
    recentTickets: facts.tickets.get(key) ?? [],
    latestNps: row.latestNps,
    mrrPoints: facts.mrrPoints.get(key) ?? [],
  };
}

function healthOf(
  row: AccountRow,
  override?: { score: number; reason: string; author: string; expiresAt: string | null },
): AccountHealth {
  return {
    score: row.score,
    band: row.band as HealthBand | null,
    computedScore: row.computedScore,
    coverage: row.coverage,
    scorecardId: row.scorecardId,
    override: override
      ? {
          score: override.score,
          reason: override.reason,
          author: override.author,
          expiresAt: override.expiresAt,
        }
      : null,
  };
}

/** The figures alerting and playbooks act on, from the facts the scoring just read. */
function signalsOf(
  accountFacts: AccountFacts,
  facts: BulkFacts,
  key: string,
  metrics: ReadonlyMap<string, number | null>,
  asOf: Date,
  onboardingCompleted: string | null,
): AccountSignals {
  const today = asOf.toISOString().slice(0, 10);
  const dayBefore = (n: number) => new Date(asOf.getTime() - n * DAY_MS).toISOString().slice(0, 10);
  const users = facts.activeUsers.get(key);
  let events7d = 0;
  let eventsPrev7d = 0;
  const ticketDays: { day: string; opened: number; p1: number }[] = [];
  for (const d of accountFacts.days) {
    if (d.day > today) continue;
    if (d.day > dayBefore(7)) events7d += d.events;
    else if (d.day > dayBefore(14)) eventsPrev7d += d.events;
    if (d.day > dayBefore(30) && d.ticketsOpened > 0)
      ticketDays.push({ day: d.day, opened: d.ticketsOpened, p1: d.p1Opened });
  }
  return {
    asOf: asOf.toISOString(),
    metrics: Object.fromEntries(metrics),
    lastSignInAt: accountFacts.lastSignInAt?.toISOString() ?? null,
    activeUsers7d: users?.d7 ?? 0,
    activeUsersPrev7d: users?.prev7 ?? 0,
    activeUsers30d: users?.d30 ?? 0,
    events7d,
    eventsPrev7d,
    ticketDays,
    latestNps: accountFacts.latestNps,
    onboardingCompletedAt: onboardingCompleted,
  };
}

/** What account.updated says, without when it was computed: equal fingerprints say the same. */
function fingerprintOf(data: AccountUpdatedData): string {
  return createHash('sha256')
    .update(JSON.stringify({ ...data, asOf: null, signals: { ...data.signals, asOf: null } }))
    .digest('base64url');
}

/** The account as cs.accounts.v1 carries it. */
function accountUpdated(
  row: AccountRow,
  signals: AccountSignals,
  override?: { score: number; reason: string; author: string; expiresAt: string | null },
): AccountUpdatedData {
  return {
    asOf: signals.asOf,
    backfill: false,
    name: row.name,
    plan: row.plan,
    mrr: row.mrr,
    subscriptionStatus: subscriptionStatusOf(row.subscriptions),
    seats: row.seats,
    renewalDate: row.renewalDate,
    csmEmail: row.csmEmail,
    segment: row.segment,
    industry: row.industry,
    phase: row.phase as LifecyclePhase,
    touchModel: row.touchModel as TouchModel,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    health: healthOf(row, override),
    signals,
  };
}

function movers(
  before: readonly MeasureResult[],
  after: readonly MeasureResult[],
): AccountHealthChangedData['movers'] {
  const old = new Map(before.map((m) => [m.measureId, m.contribution]));
  return after
    .map((m) => ({
      measureId: m.measureId,
      label: m.label,
      pointsChange: round(m.contribution - (old.get(m.measureId) ?? 0)),
    }))
    .filter((m) => m.pointsChange !== 0)
    .sort((a, b) => Math.abs(b.pointsChange) - Math.abs(a.pointsChange))
    .slice(0, 5);
}

const round = (n: number) => Math.round(n * 10) / 10;
