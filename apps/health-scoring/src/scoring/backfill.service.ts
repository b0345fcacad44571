import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccountHealth, AccountHealthChangedData, HealthBand, envelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { MeasureResult } from '../scorecards/domain/health-score.calculator';
import { bandOf } from '../scorecards/domain/scorecard';
import { WorkspaceSettings } from '../settings/domain/workspace-settings';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountScorer, PeerValues } from './account-scorer';
import { BackfillRepository } from './backfill.repository';
import { AccountKey, keyOf, sortedKeys } from './domain/account-key';
import { healthOf, movers } from './domain/account-payload';
import { churnMomentOf } from './domain/event-effects';
import { AccountRow } from './domain/account-row';
import { Cause, PastDays } from './domain/event-fold';
import { touchModel } from './domain/lifecycle';
import { metricValues } from './domain/metrics';
import { endOfDay, factsAsOf } from './domain/past-facts';
import { scorecardFor } from './ports';
import { HistoryPoint, ScoreHistoryRepository } from './score-history.repository';
import { ScoringFactsRepository } from './scoring-facts.repository';
import { HEALTH_SCORING_SCHEMA, HEALTH_SCORING_SOURCE } from './scoring.messaging';
import { WorkspaceInputs } from './workspace-inputs';

/** An account whose past a run rebuilt, with the health it had before its backfill began. */
export interface BackfillMark {
  readonly key: AccountKey;
  readonly previous: AccountHealth | null;
  /** The days its history touched in the run: their past is rebuilt when the backfill settles. */
  readonly days: readonly string[];
}

const SETTLE_CHUNK = 500;
/**
 * An account's backfill settles when its history and its workspace's have been quiet for
 * BACKFILL_SETTLE_MS, or its own for this many times that, so that a workspace that never stops
 * sending old events does not hold its accounts back forever.
 */
const LONG_QUIET_FACTOR = 10;

/**
 * Historical events: the past they rebuild (one history point per day, as the score stood at the
 * end of that day) and the present state of their accounts, announced once when the backfill has
 * settled rather than after every run of an import.
 */
@Injectable()
export class BackfillService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountProfileRepository,
    private readonly backfills: BackfillRepository,
    private readonly facts: ScoringFactsRepository,
    private readonly history: ScoreHistoryRepository,
    private readonly scorer: AccountScorer,
    private readonly inputs: WorkspaceInputs,
    private readonly clock: Clock,
    private readonly config: HealthScoringConfig,
  ) {}

  /**
   * The marks of the history-only accounts of a run (those without a live event in it), each with
   * the health it had before the run: what its present state is announced against when the
   * backfill settles (the first mark keeps it); and the days its history touched, whose past is
   * rebuilt then, once for the whole import rather than once per run (an account's history comes
   * in many runs). Taken before the run scores anything. An account with a live event in the run
   * has had its present announced already, and its past is rebuilt at once.
   */
  marksOf(
    past: readonly PastDays[],
    live: ReadonlySet<string>,
    rows: ReadonlyMap<string, AccountRow>,
  ): BackfillMark[] {
    return past
      .filter((p) => !live.has(keyOf(p.key)))
      .map((p) => {
        const row = rows.get(keyOf(p.key));
        return { key: p.key, previous: row?.scoredAt ? healthOf(row) : null, days: [...p.days] };
      });
  }

  /** Marks the accounts as waiting for their backfill to settle, their history last touched at `now`. */
  markPending(m: EntityManager, marks: readonly BackfillMark[], now: Date): Promise<void> {
    return this.backfills.mark(m, marks, now);
  }

  /** How many of the workspace's accounts wait for their present state after a backfill. */
  pending(workspaceId: string): Promise<number> {
    return this.backfills.pendingCount(workspaceId);
  }

  /**
   * Announces the present state of the accounts whose backfill has settled (their history and
   * their workspace's quiet for BACKFILL_SETTLE_MS), once each (asOf now, not backfill): the
   * conditions that hold at the end of an import are acted on then, on live state. Returns how
   * many.
   */
  async settle(): Promise<number> {
    const now = this.clock.now().getTime();
    const quietSince = new Date(now - this.config.BACKFILL_SETTLE_MS);
    const longQuietSince = new Date(now - LONG_QUIET_FACTOR * this.config.BACKFILL_SETTLE_MS);
    let settled = 0;
    for (;;) {
      const candidates = await this.backfills.settledCandidates(quietSince, longQuietSince, SETTLE_CHUNK);
      if (candidates.length === 0) return settled;
      await this.dataSource.transaction(async (m) => {
        const sorted = sortedKeys(candidates);
        const rows = await this.accounts.lockMany(m, sorted);
        const taken = await this.backfills.takeSettled<AccountHealth>(m, sorted, quietSince, longQuietSince);
        const present = sorted.filter((k) => taken.has(keyOf(k)) && rows.has(keyOf(k)));
        const settings = await this.inputs.settingsOf(present.map((k) => k.workspaceId));
        const correlationId = randomUUID();
        // First the past the history touched, as the score stood at the end of each day; then the
        // present, once.
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
        await this.scorer.scorePresent(
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
  async scorePast(
    m: EntityManager,
    past: readonly PastDays[],
    rows: Map<string, AccountRow>,
    settings: Map<string, WorkspaceSettings>,
    now: Date,
    causeOf: (key: string) => Cause,
  ): Promise<void> {
    if (past.length === 0) return;
    const firstDay = (p: PastDays) => [...p.days].sort()[0]!;
    const later = await this.history.backfilledDaysAfter(
      m,
      past.map((p) => ({ key: p.key, after: endOfDay(firstDay(p), now).toISOString() })),
    );
    for (const p of past) for (const day of later.get(keyOf(p.key)) ?? []) p.days.add(day);
    const allDays = past.flatMap((p) => [...p.days]).sort();
    const keys = sortedKeys(past.map((p) => p.key));
    const keyFeatures = [...new Set([...settings.values()].flatMap((s) => s.keyFeatures))];
    const facts = await this.facts.past(m, keys, allDays[0]!, allDays[allDays.length - 1]!, keyFeatures);
    const before = await this.history.pointsBefore(
      m,
      past.map((p) => ({ key: p.key, before: endOfDay(firstDay(p), now).toISOString() })),
    );
    const scorecards = await this.inputs.scorecardsOf(keys.map((k) => k.workspaceId));
    const peerValues: PeerValues = new Map();
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
      // A churned account's past is rebuilt up to the day before its churn: from then on it keeps
      // the score it had when it churned (the present scoring freezes it at that point).
      const churnDay = churnMomentOf(row.subscriptions)?.slice(0, 10);
      for (const day of [...p.days].sort()) {
        if (churnDay !== undefined && day >= churnDay) continue;
        const asOf = endOfDay(day, now);
        const accountFacts = factsAsOf(facts.get(key)!, row, ws, asOf);
        const values = metricValues(accountFacts, asOf);
        const result = card
          ? await this.scorer.computed(m, card, row, accountFacts, asOf, peerValues, values)
          : null;
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
          measures: Object.fromEntries(values),
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
          outbox.push(
            envelopeMessage('account.health.changed', HEALTH_SCORING_SOURCE, row, data, cause, asOf),
          );
        }
        previous = current;
        previousMeasures = result?.measures ?? [];
      }
    }
    await this.history.add(m, history);
    await enqueueOutbox(m, HEALTH_SCORING_SCHEMA, outbox);
  }
}
