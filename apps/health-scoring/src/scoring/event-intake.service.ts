import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AnyEventEnvelope } from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { AccountActivityRepository } from './account-activity.repository';
import { AccountAttributionService } from './account-attribution.service';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountScorer } from './account-scorer';
import { BackfillService } from './backfill.service';
import { DailyTotalsRepository } from './daily-totals.repository';
import { CustomerEvent } from './domain/account-attribution';
import { keyOf, sortedKeys } from './domain/account-key';
import { foldEvents } from './domain/event-fold';
import { HEALTH_SCORING_SCHEMA, SCORING_CONSUMER } from './scoring.messaging';
import { ScoringMetrics } from './scoring.metrics';
import { WorkspaceInputs } from './workspace-inputs';

/**
 * Applies runs of customer events to account profiles and daily usage, then scores the accounts
 * they touched, all in one transaction with the inbox (a redelivered or replayed event changes
 * nothing) and the outbox (cs.health.v1 and cs.accounts.v1 are published exactly when the change
 * commits). Live events rescore the present; historical ones rebuild the past (BackfillService).
 */
@Injectable()
export class EventIntakeService {
  private readonly metrics = new ScoringMetrics();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly attribution: AccountAttributionService,
    private readonly accounts: AccountProfileRepository,
    private readonly dailyTotals: DailyTotalsRepository,
    private readonly activity: AccountActivityRepository,
    private readonly scorer: AccountScorer,
    private readonly backfill: BackfillService,
    private readonly inputs: WorkspaceInputs,
    private readonly clock: Clock,
    private readonly config: HealthScoringConfig,
  ) {}

  /** Applies a run of events from cs.events.v1, in order. */
  async apply(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    const events = envelopes.filter((e): e is CustomerEvent => e.type === 'customer.event.recorded');
    if (events.length === 0) return;
    // Each account with a live event in the run, with when the first of them was published.
    let liveSince: ReadonlyMap<string, string> = new Map();
    await this.dataSource.transaction(async (m) => {
      const fresh = await claimInbox(m, HEALTH_SCORING_SCHEMA, SCORING_CONSUMER, events);
      const todo = await this.attribution.attribute(m, fresh);
      if (todo.length === 0) return;
      const settings = await this.inputs.settingsOf(todo.map((t) => t.event.workspaceId));
      const keys = sortedKeys(
        todo.map((t) => ({ workspaceId: t.event.workspaceId, accountId: t.accountId })),
      );
      const rows = await this.accounts.lockMany(m, keys);
      const now = this.clock.now();
      // Accounts with a live event get today's path; history only rebuilds the past.
      const run = foldEvents(todo, rows, settings, now, this.config.BACKFILL_HORIZON_HOURS);
      liveSince = run.liveSince;
      await this.dailyTotals.addDays(m, run.days);
      await this.dailyTotals.addActiveUsers(m, run.activeUsers);
      await this.activity.saveTickets(m, run.tickets);
      await this.activity.addMrrPoints(m, run.mrrPoints);
      await this.activity.addNotableEvents(m, run.notable);
      const past = [...run.past.values()];
      const marks = this.backfill.marksOf(past, run.live, rows);
      // A history-only account keeps its profile now and gets its present computed and announced
      // once, when the backfill settles: computing it after every run of an import is wasted.
      await this.scorer.scorePresent(
        m,
        keys.filter((k) => run.live.has(keyOf(k))),
        rows,
        settings,
        run.causeOf,
      );
      await this.accounts.saveMany(
        m,
        keys.filter((k) => !run.live.has(keyOf(k))).map((k) => rows.get(keyOf(k))!),
      );
      // The past of accounts with a live event here is rebuilt now; a history-only account's, once
      // its backfill settles.
      await this.backfill.scorePast(
        m,
        past.filter((p) => run.live.has(keyOf(p.key))),
        rows,
        settings,
        now,
        run.causeOf,
      );
      await this.backfill.markPending(m, marks, now);
    });
    this.metrics.scored(liveSince.values());
  }
}
