import { randomUUID } from 'node:crypto';
import { ManualClock, OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { PlaybooksConfig } from '../../src/config/playbooks.config';
import { playbooksDatabase } from '../../src/database/playbooks.database';
import { TriggerDecisionRepository } from '../../src/decisions/trigger-decision.repository';
import { EmailSettingsRepository } from '../../src/email/email-settings.repository';
import { AccountProfileRepository } from '../../src/engine/account-profile.repository';
import { RunEngine } from '../../src/engine/run-engine';
import { StepEffects } from '../../src/engine/step-effects';
import { TriggerIntake, TriggerRequest } from '../../src/engine/trigger-intake';
import { WorkspaceSettingsRepository } from '../../src/engine/workspace-settings.repository';
import { PlaybookStore, StoredPlaybook } from '../../src/playbooks/playbook-store';
import { PlaybookRepository } from '../../src/playbooks/playbook.repository';
import { RunRepository } from '../../src/runs/run.repository';
import { TaskRepository } from '../../src/tasks/task.repository';
import { accountProfile, alertPlaybook } from './factories';

const DAY_MS = 86_400_000;

/**
 * The run engine and the trigger intake with their real repositories on a migrated database: no
 * HTTP, no Kafka, time from a ManualClock. Playbooks here have task, wait and email steps, with no
 * SMTP server anywhere, so no effect leaves the process. Each test uses a workspace of its own.
 */
describe('playbook runs on Postgres (medium)', () => {
  let database: MigratedDatabase;
  let clock: ManualClock;
  let store: PlaybookStore;
  let accounts: AccountProfileRepository;
  let intake: TriggerIntake;
  let engine: RunEngine;
  let settings: WorkspaceSettingsRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase('playbooks_medium', playbooksDatabase);
    const ds = database.dataSource;
    clock = new ManualClock(new Date('2026-04-06T08:00:00.000Z'));
    const config = Object.assign(new PlaybooksConfig(), { PLAYBOOK_BATCH_SIZE: 50 });
    store = new PlaybookStore(ds, new PlaybookRepository(ds), clock);
    accounts = new AccountProfileRepository(ds);
    const runs = new RunRepository(ds);
    intake = new TriggerIntake(ds, new TriggerDecisionRepository(ds), store, config, accounts, runs);
    const effects = new StepEffects(config, new OutboundHttpClient(), new EmailSettingsRepository(ds));
    settings = new WorkspaceSettingsRepository();
    engine = new RunEngine(
      ds,
      store,
      effects,
      config,
      accounts,
      runs,
      new TaskRepository(ds),
      settings,
      clock,
    );
  });

  afterAll(async () => {
    await database?.close();
  });

  const trigger = (playbook: StoredPlaybook, accountId: string): TriggerRequest => ({
    playbook,
    accountId,
    trigger: { type: 'alert_raised', ref: `alert-${accountId}`, key: `alert:${accountId}` },
    context: {},
    cause: { correlationId: randomUUID(), causationId: null },
    triggeredAt: clock.now().toISOString(),
    backfill: false,
  });

  async function setUp(
    accountOverrides: Parameters<typeof accountProfile>[3] = {},
    steps: Parameters<typeof alertPlaybook>[0] = [
      { id: 'call', type: 'task', title: 'Call {{account.name}}' },
      { id: 'pause', type: 'wait', duration: 'P2D' },
      { id: 'follow', type: 'task', title: 'Follow up with {{account.name}}' },
    ],
  ) {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    const playbook = await database.dataSource.transaction(async (m) => {
      await accounts.upsertProfiles(m, [accountProfile(workspaceId, 'acc_1', clock.now(), accountOverrides)]);
      return store.insert(m, workspaceId, alertPlaybook(steps), null, clock.now());
    });
    return { workspaceId, playbook };
  }

  const tasksOf = (workspaceId: string) =>
    database.db.query<{ title: string; owner: string | null }>(
      `SELECT title, owner FROM playbooks.tasks WHERE workspace_id = $1 ORDER BY seq`,
      [workspaceId],
    );
  const runsOf = (workspaceId: string) =>
    database.db.query<{ status: string; current_step: string | null; next_at: Date | null }>(
      `SELECT status, current_step, next_at FROM playbooks.runs WHERE workspace_id = $1`,
      [workspaceId],
    );

  it('starts a run once per trigger occurrence, creates its task, waits two days of the clock, then finishes', async () => {
    const { workspaceId, playbook } = await setUp();
    const started = await database.dataSource.transaction((m) =>
      intake.apply(m, [trigger(playbook, 'acc_1')], clock.now()),
    );
    expect(started).toHaveLength(1);
    const again = await database.dataSource.transaction((m) =>
      intake.apply(m, [trigger(playbook, 'acc_1')], clock.now()),
    );
    expect(again).toEqual([]);

    await engine.tick(clock.now());
    expect(await tasksOf(workspaceId)).toEqual([{ title: 'Call acc_1', owner: 'csm@example.com' }]);
    const [waiting] = await runsOf(workspaceId);
    expect(waiting).toMatchObject({ status: 'running', current_step: 'pause' });
    expect(waiting!.next_at!.getTime()).toBe(clock.now().getTime() + 2 * DAY_MS);

    clock.advance(DAY_MS);
    await engine.tick(clock.now());
    expect(await tasksOf(workspaceId)).toHaveLength(1);

    clock.advance(DAY_MS);
    await engine.tick(clock.now());
    expect((await tasksOf(workspaceId)).map((t) => t.title)).toEqual(['Call acc_1', 'Follow up with acc_1']);
    expect((await runsOf(workspaceId)).map((r) => r.status)).toEqual(['completed']);
    const decisions = await database.db.query<{ outcome: string }>(
      `SELECT outcome FROM playbooks.trigger_decisions WHERE workspace_id = $1 ORDER BY seq`,
      [workspaceId],
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['started', 'already_triggered']);
  });

  it('fails the run of an email step that no SMTP server can send, and the step with it', async () => {
    const { workspaceId, playbook } = await setUp({}, [
      { id: 'hello', type: 'email', subject: 'Hello {{account.name}}', body: 'Hi' },
      { id: 'call', type: 'task', title: 'Call {{account.name}}' },
    ]);
    await database.dataSource.transaction((m) => intake.apply(m, [trigger(playbook, 'acc_1')], clock.now()));
    await engine.tick(clock.now());
    const runs = await database.db.query<{ status: string; reason: string | null }>(
      `SELECT status, reason FROM playbooks.runs WHERE workspace_id = $1`,
      [workspaceId],
    );
    expect(runs).toEqual([
      { status: 'failed', reason: expect.stringContaining('step hello failed: could not send') },
    ]);
    const steps = await database.db.query<{ step_id: string; outcome: string }>(
      `SELECT e.step_id, e.outcome FROM playbooks.step_executions e JOIN playbooks.runs r ON r.id = e.run_id
       WHERE r.workspace_id = $1`,
      [workspaceId],
    );
    expect(steps).toEqual([{ step_id: 'hello', outcome: 'failed' }]);
    // The run stopped at the email: the task after it was never created.
    expect(await tasksOf(workspaceId)).toEqual([]);
  });

  it('starts nothing for a churned account and records why', async () => {
    const { workspaceId, playbook } = await setUp({ mrr: 0, subscriptionStatus: 'ended' });
    const started = await database.dataSource.transaction((m) =>
      intake.apply(m, [trigger(playbook, 'acc_1')], clock.now()),
    );
    expect(started).toEqual([]);
    expect(await runsOf(workspaceId)).toEqual([]);
    const decisions = await database.db.query<{ outcome: string }>(
      `SELECT outcome FROM playbooks.trigger_decisions WHERE workspace_id = $1`,
      [workspaceId],
    );
    expect(decisions).toEqual([{ outcome: 'account_churned' }]);
  });

  it("gives the task of an account with no owner to the workspace's fallback owner, the one applied at the tick", async () => {
    const { workspaceId, playbook } = await setUp({ csmEmail: null });
    const fallback = async (owner: string | null, version: number) =>
      database.dataSource.transaction(async (m) => {
        await store.ensureWorkspace(m, workspaceId);
        await settings.apply(m, [{ workspaceId, fallbackOwner: owner, version }]);
      });
    await fallback('team@example.com', 1);
    await database.dataSource.transaction((m) => intake.apply(m, [trigger(playbook, 'acc_1')], clock.now()));
    await engine.tick(clock.now());
    expect(await tasksOf(workspaceId)).toEqual([{ title: 'Call acc_1', owner: 'team@example.com' }]);

    // A newer version applies to the next task; an older one arriving late changes nothing.
    await fallback('lead@example.com', 3);
    await fallback('stale@example.com', 2);
    clock.advance(2 * DAY_MS);
    await engine.tick(clock.now());
    expect((await tasksOf(workspaceId)).map((t) => t.owner)).toEqual([
      'team@example.com',
      'lead@example.com',
    ]);
  });
});
