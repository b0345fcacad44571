import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AnyEventEnvelope } from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';
import { reportingDatabase } from '../database/reporting.database';
import { outlookOf } from '../forecasts/domain/renewal-forecast';
import { AccountOutlookRepository } from './account-outlook.repository';
import { ActivityRecorder } from './activity.recorder';
import { AlertsRepository } from './alerts.repository';
import { AttributesRepository } from './attributes.repository';
import { BandChangesRepository } from './band-changes.repository';
import { accountsWithNewVersions, eventRows, isActivityOnly, profileChanges } from './domain/event-rows';
import { groupBy } from './domain/group-by';
import { MrrDeriver } from './mrr.deriver';
import { MrrRepository } from './mrr.repository';
import { PlaybookRunsRepository } from './playbook-runs.repository';
import { SurveysRepository } from './surveys.repository';

/** The inbox consumer name of the read models (one inbox for every topic they read). */
export const READ_MODEL_INBOX = 'reporting.read-models';

/**
 * Applies runs of events from every topic reporting reads to its read models, in one transaction
 * per run with the inbox: a redelivered or replayed event changes nothing. What each event
 * becomes is decided in domain/event-rows; this writer reads the stored facts those decisions
 * need, hands the rows to the repositories, and has the MRR read models of the accounts a run
 * touched derived again from their facts.
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
    private readonly outlook: AccountOutlookRepository,
  ) {}

  async apply(envelopes: readonly AnyEventEnvelope[], now = Date.now()): Promise<void> {
    if (envelopes.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const todo = await claimInbox(m, reportingDatabase.schema, READ_MODEL_INBOX, envelopes, isActivityOnly);
      if (todo.length === 0) return;
      const rows = eventRows(todo);
      const derive = new Map<string, Set<string>>();
      // Accounts whose profile (onboarding completion) an account.updated may have moved.
      const profiled = new Map<string, string[]>();
      const touch = (ws: string, account: string) =>
        derive.set(ws, (derive.get(ws) ?? new Set()).add(account));

      for (const a of rows.ledgerAccounts) touch(a.workspaceId, a.accountId);
      await this.mrr.insertSubscriptionEvents(m, rows.subscriptions);
      await this.surveys.record(m, rows.surveys);
      await this.activity.record(m, rows.activity);

      // Attribute facts, each kept whatever order it came in (a late group call corrects the past
      // it covers); the accounts whose versions they change are derived again.
      for (const [ws, facts] of groupBy(rows.groupFacts, (f) => f.workspaceId)) {
        const stored = await this.attributes.facts(m, ws, [...new Set(facts.map((f) => f.accountId))]);
        await this.attributes.insertFacts(m, ws, facts);
        for (const account of accountsWithNewVersions(facts, stored)) touch(ws, account);
      }
      for (const [ws, updates] of groupBy(rows.accountUpdates, (e) => e.workspaceId)) {
        const stored = await this.attributes.facts(m, ws, [...new Set(updates.map((e) => e.accountId!))]);
        const changes = profileChanges(updates, stored);
        await this.attributes.insertFacts(m, ws, changes.facts);
        for (const account of accountsWithNewVersions(changes.facts, stored)) touch(ws, account);
        await this.mrr.recordProfiles(m, ws, changes.profiles);
        profiled.set(
          ws,
          changes.profiles.map((p) => p.account),
        );
      }
      // The renewal forecast's present: each account's renewal date and churn prediction.
      await this.outlook.upsert(
        m,
        rows.accountUpdates.map(outlookOf).filter((o) => o !== undefined),
      );

      await this.bandChanges.insert(m, rows.bandChanges);
      for (const change of rows.runsAndAlerts) {
        if (change.kind === 'alert') await this.alerts.upsert(m, change.row);
        else if (change.kind === 'runStarted') await this.playbookRuns.started(m, change.row);
        else await this.playbookRuns.finished(m, change.row);
      }

      // Per workspace, the accounts derived again, then the onboarding counts of those and of the
      // profiles updated (once, after the month totals: every writer takes the totals' rows in
      // the same order, so two never deadlock).
      for (const ws of [...new Set([...derive.keys(), ...profiled.keys()])].sort()) {
        const accounts = derive.get(ws);
        if (accounts) await this.deriver.derive(m, ws, [...accounts], now, profiled.get(ws));
        else await this.deriver.recountOnboarding(m, ws, profiled.get(ws) ?? []);
      }
    });
  }
}
