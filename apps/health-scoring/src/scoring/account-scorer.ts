import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountHealth, AccountHealthChangedData, envelopeMessage, traitValueKey } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from '../config/health-scoring.config';
import {
  HealthScore,
  MeasureInput,
  MeasureResult,
  calculateHealthScore,
} from '../scorecards/domain/health-score.calculator';
import { bandOf } from '../scorecards/domain/scorecard';
import { measureResults, storedMeasures } from '../scorecards/domain/stored-measures';
import { WorkspaceSettings } from '../settings/domain/workspace-settings';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountKey, keyOf } from './domain/account-key';
import { accountUpdated, fingerprintOf, healthOf, movers, signalsOf } from './domain/account-payload';
import { AccountRow } from './domain/account-row';
import { churnMomentOf } from './domain/event-effects';
import { Cause } from './domain/event-fold';
import { lifecyclePhase, onboardingCompletedAt, touchModel } from './domain/lifecycle';
import { AccountFacts, metricValues } from './domain/metrics';
import { factsOf } from './domain/scoring-facts';
import { RescoreOptions, StoredScorecard, scorecardFor } from './ports';
import { HistoryPoint, RecordedHealth, ScoreHistoryRepository } from './score-history.repository';
import { ScoringFactsRepository } from './scoring-facts.repository';
import { HEALTH_SCORING_SCHEMA, HEALTH_SCORING_SOURCE } from './scoring.messaging';
import { WorkspaceInputs } from './workspace-inputs';

const DAY_MS = 86_400_000;

/** How a scoring run treats what it computes. */
export interface ScoreOptions extends RescoreOptions {
  /**
   * The health last announced, when it is not the row's: a backfill's present state is compared
   * with the health the account had before the backfill began. Its present point is then written.
   */
  readonly previousOf?: (key: string) => AccountHealth | null;
}

/** Peers' metric values, read once per run and segment. */
export type PeerValues = Map<string, { accountId: string; value: number }[]>;

/**
 * Scores accounts as they stand now and writes what follows, in the caller's transaction: the
 * rows, their history points and the outbox messages (account.health.changed when the health
 * moved, account.updated for every account scored).
 */
@Injectable()
export class AccountScorer {
  constructor(
    private readonly accounts: AccountProfileRepository,
    private readonly facts: ScoringFactsRepository,
    private readonly history: ScoreHistoryRepository,
    private readonly inputs: WorkspaceInputs,
    private readonly clock: Clock,
    private readonly config: HealthScoringConfig,
  ) {}

  /**
   * The moment scores are computed as of: now, unless SCORING_AS_OF pins it. Windows, days since
   * a sign-in and the 30-day ticket count all read this moment, so two runs of one history agree
   * on a score only when they score it as of the same moment (the chaos suite's comparison).
   */
  private asOf(): Date {
    return this.config.SCORING_AS_OF ? new Date(this.config.SCORING_AS_OF) : this.clock.now();
  }

  /**
   * Scores the accounts (locked, in `rows`) and writes rows, history and outbox messages:
   * account.health.changed when the health moved, and account.updated for every account scored,
   * since its signals (usage windows, days since sign-in) move with events and with time; with
   * `onlyChanged` (the sweep), account.updated only where it would say something the last one
   * did not.
   */
  async scorePresent(
    m: EntityManager,
    keys: readonly AccountKey[],
    rows: Map<string, AccountRow>,
    settings: Map<string, WorkspaceSettings>,
    causeOf: (key: string) => Cause,
    options: ScoreOptions = {},
  ): Promise<void> {
    const asOf = this.asOf();
    const facts = await this.facts.present(m, keys, asOf);
    const scorecards = await this.inputs.scorecardsOf(keys.map((k) => k.workspaceId));
    const outbox: OutboxMessage[] = [];
    const history: HistoryPoint[] = [];
    const peerValues: PeerValues = new Map();
    const changed: AccountRow[] = [];
    const churning = await this.churnScores(m, keys, rows);
    for (const k of keys) {
      const key = keyOf(k);
      const row = rows.get(key);
      if (!row) continue;
      const churnedAt = churnMomentOf(row.subscriptions);
      if (churnedAt === null) row.churnedAt = null;
      else if (row.churnedAt !== null && row.scoredAt !== null) {
        // Churned before: it keeps the score it had then; only what the events said is saved.
        changed.push(row);
        continue;
      }
      const churns = churnedAt !== null && row.scoredAt !== null;
      const storedBefore = row.measures;
      let measuresNow: readonly MeasureResult[] = [];
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
      if (churns) {
        // It churns now: it keeps the health it had at the moment of its churn (the last history
        // point then, else the row's), and is not rescored until it subscribes again.
        row.churnedAt = churnedAt;
        const then = churning.get(key);
        if (then) {
          row.score = then.score;
          row.band = then.band;
          row.computedScore = then.computedScore;
          row.coverage = then.coverage;
        }
      } else if (card) {
        const result = await this.computed(m, card, row, accountFacts, asOf, peerValues, now);
        row.computedScore = result.score;
        row.coverage = result.coverage;
        measuresNow = result.measures;
        row.measures = storedMeasures(result.measures);
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
      if (!churns) row.scoredAt = asOf.toISOString();
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
      if (churns || healthMoved || dailyPointDue || options.previousOf)
        history.push({
          workspaceId: row.workspaceId,
          accountId: row.accountId,
          at: asOf.toISOString(),
          score: row.score,
          band: row.band,
          computedScore: row.computedScore,
          coverage: row.coverage,
          reason: churns
            ? `churned (${cause.reason})`
            : healthMoved
              ? cause.reason
              : `daily point (${cause.reason})`,
          backfill: false,
          // The values after a churn are not what its score stands on: none are kept.
          measures: churns ? null : Object.fromEntries(now),
        });
      if (healthMoved && (previousHealth || current.score !== null)) {
        const data: AccountHealthChangedData = {
          previous: previousHealth,
          current,
          reason: cause.reason,
          // Movers reads what each measure contributed before, not its label.
          movers: movers(measureResults(storedBefore, []), measuresNow),
          asOf: asOf.toISOString(),
          backfill: false,
        };
        outbox.push(envelopeMessage('account.health.changed', HEALTH_SCORING_SOURCE, row, data, cause, asOf));
      }
      const updated = accountUpdated(
        row,
        signalsOf(accountFacts, facts.activeUsers.get(key), now, asOf, onboardingCompletedAt(row, ws)),
        activeOverride,
      );
      const fingerprint = fingerprintOf(updated);
      if (!options.onlyChanged || fingerprint !== row.publishedFingerprint) {
        outbox.push(envelopeMessage('account.updated', HEALTH_SCORING_SOURCE, row, updated, cause, asOf));
        row.publishedFingerprint = fingerprint;
      }
    }
    await this.accounts.saveMany(m, changed);
    await this.history.add(m, history);
    await enqueueOutbox(m, HEALTH_SCORING_SCHEMA, outbox);
  }

  /**
   * For the accounts (already scored) whose last subscription has just ended, the last history
   * point at or before the moment of their churn: the health they keep.
   */
  private async churnScores(
    m: EntityManager,
    keys: readonly AccountKey[],
    rows: Map<string, AccountRow>,
  ): Promise<Map<string, RecordedHealth>> {
    const churning: { key: AccountKey; before: string }[] = [];
    for (const k of keys) {
      const row = rows.get(keyOf(k));
      const at = row ? churnMomentOf(row.subscriptions) : null;
      if (row && at !== null && row.churnedAt === null && row.scoredAt !== null)
        churning.push({ key: k, before: new Date(Date.parse(at) + 1).toISOString() });
    }
    return this.history.pointsBefore(m, churning);
  }

  /** What the scorecard computes for the account's facts as of a moment. */
  async computed(
    m: EntityManager,
    card: StoredScorecard,
    row: AccountRow,
    accountFacts: AccountFacts,
    asOf: Date,
    peerValues: PeerValues,
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
        const peerKey = `${row.workspaceId}\u0000${traitValueKey(row.segment) ?? ''}\u0000${measure.metric}`;
        let peers = peerValues.get(peerKey);
        if (!peers) {
          peers = await this.accounts.peerValues(m, row.workspaceId, row.segment, measure.metric);
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
}
