import { randomUUID } from 'node:crypto';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { AccountSnapshotRepository } from '../../src/alerts/account-snapshot.repository';
import { AlertRepository } from '../../src/alerts/alert.repository';
import { AlertWriter } from '../../src/alerts/alert-writer';
import { AlertingEngine } from '../../src/alerts/alerting.engine';
import { AlertingConfig } from '../../src/config/alerting.config';
import { alertingDatabase } from '../../src/database/alerting.database';
import { ChannelRepository } from '../../src/notifications/channel.repository';
import { DeliveryRepository } from '../../src/notifications/delivery.repository';
import { DeliveryWake } from '../../src/notifications/delivery-wake';
import { RuleRepository } from '../../src/rules/rule.repository';
import { WorkspaceRulesService } from '../../src/rules/workspace-rules.service';
import { WorkspaceSettingsRepository } from '../../src/settings/workspace-settings.repository';
import { accountSnapshot, accountUpdated, redAccount } from '../factories';

const DAY_MS = 86_400_000;

/**
 * The alerting engine with its real repositories on a migrated database: no HTTP, no Kafka, time
 * from a ManualClock. Each test uses a workspace of its own.
 */
describe('alerting engine on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let engine: AlertingEngine;
  let accounts: AccountSnapshotRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase('alerting_medium', alertingDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    accounts = new AccountSnapshotRepository(ds);
    const alerts = new AlertRepository(ds);
    const rules = new RuleRepository(ds);
    const settings = new WorkspaceSettingsRepository();
    const writer = new AlertWriter(
      alerts,
      accounts,
      new AlertingConfig(),
      new ChannelRepository(ds),
      new DeliveryRepository(ds),
      new DeliveryWake(),
      clock,
    );
    engine = new AlertingEngine(
      ds,
      accounts,
      alerts,
      rules,
      settings,
      new WorkspaceRulesService(settings, rules),
      writer,
      clock,
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  const newWorkspace = () => `ws_${randomUUID().slice(0, 8)}`;
  const alertsOf = (workspaceId: string) =>
    database.db.query<{ rule_type: string; status: string; occurrences: number; opened_at: Date }>(
      `SELECT rule_type, status, occurrences, opened_at FROM alerting.alerts WHERE workspace_id = $1 ORDER BY opened_at, rule_type`,
      [workspaceId],
    );

  it('raises an alert with its history and outbox message, once however often the message comes', async () => {
    const ws = newWorkspace();
    const message = accountUpdated(ws, 'acc_1', redAccount(clock.now()));
    await engine.apply([message]);
    await engine.apply([message]);
    const alerts = await alertsOf(ws);
    expect(alerts.map((a) => [a.rule_type, a.status, a.occurrences])).toEqual([['score_below', 'open', 1]]);
    expect(alerts[0]!.opened_at.toISOString()).toBe(clock.now().toISOString());
    const history = await database.db.query(
      `SELECT change FROM alerting.alert_history WHERE workspace_id = $1`,
      [ws],
    );
    expect(history).toEqual([{ change: 'raised' }]);
    const outbox = await database.db.query<{ type: string }>(
      `SELECT value::jsonb->>'type' AS type FROM alerting.outbox WHERE value::jsonb->>'workspaceId' = $1`,
      [ws],
    );
    expect(outbox).toEqual([{ type: 'alert.raised' }]);
    const rules = await database.db.query(`SELECT id FROM alerting.rules WHERE workspace_id = $1`, [ws]);
    expect(rules.length).toBeGreaterThan(1);
  });

  it('resolves when the account recovers, holds a new raise through the cooldown, and raises after it', async () => {
    const ws = newWorkspace();
    await engine.apply([accountUpdated(ws, 'acc_1', redAccount(clock.now()))]);
    clock.advance(60_000);
    await engine.apply([accountUpdated(ws, 'acc_1', accountSnapshot(clock.now()))]);
    expect((await alertsOf(ws)).map((a) => a.status)).toEqual(['resolved']);

    clock.advance(60_000);
    await engine.apply([accountUpdated(ws, 'acc_1', redAccount(clock.now()))]);
    expect((await alertsOf(ws)).map((a) => a.status)).toEqual(['resolved']);

    // The default cooldown is a day: the sweep's re-evaluation after it raises again.
    clock.advance(DAY_MS);
    await engine.reevaluate([{ workspaceId: ws, accountId: 'acc_1' }], 'sweep');
    expect((await alertsOf(ws)).map((a) => a.status)).toEqual(['resolved', 'open']);
  });

  it('raises what time alone brings on re-evaluation (no sign-in for 30 days) and prunes old score points', async () => {
    const ws = newWorkspace();
    await engine.apply([accountUpdated(ws, 'acc_1', accountSnapshot(clock.now()))]);
    expect(await alertsOf(ws)).toEqual([]);
    clock.advance(31 * DAY_MS);
    await engine.reevaluateWorkspace(ws, 'sweep');
    expect((await alertsOf(ws)).map((a) => [a.rule_type, a.status])).toContainEqual(['inactivity', 'open']);

    const old = (days: number) => new Date(clock.now().getTime() - days * DAY_MS).toISOString();
    await database.dataSource.transaction((m) =>
      accounts.addScorePoints(m, [
        { workspaceId: ws, accountId: 'acc_1', at: old(400), score: 70 },
        { workspaceId: ws, accountId: 'acc_1', at: old(380), score: 60 },
        { workspaceId: ws, accountId: 'acc_1', at: old(10), score: 50 },
      ]),
    );
    await accounts.pruneScorePoints(clock.now());
    const kept = await database.db.query<{ score: string }>(
      `SELECT score FROM alerting.score_points WHERE workspace_id = $1 ORDER BY at`,
      [ws],
    );
    // The last point before the cut stays: it is the score in effect when the oldest window begins.
    expect(kept.map((p) => Number(p.score))).toEqual([60, 50]);
  });
});
