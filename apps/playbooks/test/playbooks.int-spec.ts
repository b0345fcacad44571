import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Topic } from '@tsuzuku/contracts';
import {
  ApiClient,
  TopicReader,
  testCustomerEvent,
  useServiceUnderTest,
  waitFor,
  waitForRows,
} from '@tsuzuku/platform-testing';
import { TriggerSweep } from '../src/engine/trigger-sweep';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated, alertEvent, asAny, profiledAlert } from './signals';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Task {
  id: string;
  accountId: string;
  title: string;
  owner: string | null;
  status: string;
  runId: string;
  priority: string;
  dueAt: string | null;
  note: string | null;
}
interface Run {
  id: string;
  status: string;
  playbookName: string;
  version: number;
  currentStep: string | null;
  steps: { stepId: string; state: string }[];
}
interface Playbook {
  id: string;
  version: number;
  name: string;
  enabled: boolean;
  template: string | null;
}

/**
 * The playbooks service on the real Kafka, Postgres and a local SMTP server: definitions and
 * their validation and versions, the adoption-risk playbook turning a red alert into a task for
 * the CSM, holdout, the tech-touch welcome email, exits, cancel and the dry run.
 */
describe('playbooks', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const mails: { to: string[]; raw: string }[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  let reader: TopicReader;
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);

  const stored = (accountId: string) =>
    waitForRows(
      suite.db,
      'SELECT 1 FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = $2 AND profile_at IS NOT NULL',
      [workspaceId, accountId],
      { what: `account ${accountId} to be stored` },
    );
  const runsOf = async (accountId: string) =>
    (await api<Page<Run>>('GET', `/v1/playbook-runs?accountId=${encodeURIComponent(accountId)}`)).body.items;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    reader = await new TopicReader(brokers).start([Topic.Playbooks]);
  });
  const suite = useServiceUnderTest(playbooksService, () => ({
    label: 'playbooks',
    workspaceId,
    env: {
      PLAYBOOK_TICK_MS: '200',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      PLAYBOOK_MANAGER_EMAIL: 'manager@example.com',
      PLAYBOOK_SWEEP_MS: '1000',
    },
    joins: PLAYBOOKS_SIGNALS_CONSUMER,
  }));

  afterAll(async () => {
    await reader?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('creates the built-in templates on first sight, validates definitions field by field and versions every change', async () => {
    const list = await api<{ items: Playbook[]; nextCursor: string | null }>('GET', '/v1/playbooks');
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items.map((p) => p.template).sort()).toEqual([
      'adoption-risk',
      'churn-risk',
      'expansion',
      'onboarding-high-touch',
      'onboarding-tech-touch',
      'renewal-exec-sponsor',
      'renewal-review',
    ]);
    expect(list.body.items.every((p) => p.enabled && p.version === 1)).toBe(true);

    const bad = await api<{ error: string; errors: { path: string; message: string }[] }>(
      'POST',
      '/v1/playbooks',
      {
        name: '',
        trigger: { type: 'alert_raised', ruleType: 'nope' },
        steps: [
          { id: 'a', type: 'task' },
          { id: 'b', type: 'branch', if: { bandIn: ['green'] }, then: 'a' },
          { id: 'c', type: 'wait', duration: 'P1M' },
          { id: 'd', type: 'email', subject: 'Hi {{account.nope}}', body: 'x', extra: 1 },
        ],
        holdoutPercent: 101,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_playbook');
    expect(bad.body.errors.map((e) => e.path).sort()).toEqual(
      [
        'name',
        'trigger.ruleType',
        'steps[0].title',
        'steps[1].then',
        'steps[2].duration',
        'steps[3].subject',
        'steps[3].extra',
        'holdoutPercent',
      ].sort(),
    );

    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Check-in',
      trigger: { type: 'schedule', every: '0 9 * * 1' },
      audience: { touchModels: ['high'] },
      steps: [{ id: 'checkin', type: 'task', title: 'Weekly check-in with {{account.name}}', dueIn: 'P2D' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const patched = await api<Playbook>('PATCH', `/v1/playbooks/${created.body.id}`, { enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, enabled: false, name: 'Check-in' });
    const v1 = await api<Playbook>('GET', `/v1/playbooks/${created.body.id}/versions/1`);
    expect(v1.body).toMatchObject({ version: 1, enabled: true });
    const badPatch = await api<{ errors: { path: string }[] }>('PATCH', `/v1/playbooks/${created.body.id}`, {
      holdoutPercent: -1,
    });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.errors.map((e) => e.path)).toEqual(['holdoutPercent']);
    expect((await api('GET', `/v1/playbooks/${randomUUID()}`)).status).toBe(404);
    // Webhook secrets are never shown; a playbook read and sent back keeps them.
    const hooked = await api<Playbook & { steps: { secrets?: string[] }[] }>('POST', '/v1/playbooks', {
      name: 'Hooked',
      enabled: false,
      trigger: { type: 'subscription_started' },
      steps: [
        {
          id: 'hook',
          type: 'webhook',
          url: 'https://hooks.example.com/x',
          secrets: ['whsec_roundtrip_0042'],
        },
      ],
    });
    expect(hooked.body.steps[0]!.secrets).toEqual(['••••0042']);
    const read = await api<Record<string, unknown>>('GET', `/v1/playbooks/${hooked.body.id}`);
    const resent = await api<Playbook>('PUT', `/v1/playbooks/${hooked.body.id}`, {
      ...read.body,
      name: 'Hooked v2',
    });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ version: 2, name: 'Hooked v2', enabled: false });
    const [row] = await suite.db.query<{ definition: { steps: { secrets: string[] }[] } }>(
      'SELECT definition FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = 2',
      [hooked.body.id],
    );
    expect(row!.definition.steps[0]!.secrets).toEqual(['whsec_roundtrip_0042']);

    const removed = await api('DELETE', `/v1/playbooks/${created.body.id}`);
    expect(removed).toEqual({ status: 204, body: null });
    expect((await api('GET', `/v1/playbooks/${created.body.id}`)).status).toBe(404);
  });

  it('turns a red score_below alert into the adoption-risk run and a call task for the CSM, announced on cs.playbooks.v1', async () => {
    const accountId = 'acct-risk';
    await suite.publisher.publish([
      asAny(
        accountUpdated(workspaceId, accountId, {
          name: 'Risky Co',
          csmEmail: 'csm@example.com',
          band: 'red',
          score: 22,
        }),
      ),
    ]);
    await stored(accountId);
    const alert = alertEvent(
      'alert.raised',
      workspaceId,
      accountId,
      'score_below',
      randomUUID(),
      'alert-owner@example.com',
    );
    await suite.publisher.publish([asAny(alert)]);

    const tasks = await waitFor(
      async () => {
        const page = await api<Page<Task>>(
          'GET',
          `/v1/tasks?accountId=${accountId}&owner=CSM@example.com&status=open`,
        );
        return page.body.items.length > 0 ? page.body.items : undefined;
      },
      { what: 'the call task' },
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      title: 'Call the customer about their health',
      owner: 'csm@example.com',
      priority: 'high',
    });
    const dueIn = Date.parse(tasks[0]!.dueAt!) - Date.now();
    expect(dueIn).toBeGreaterThan(23 * 3_600_000);
    expect(dueIn).toBeLessThanOrEqual(24 * 3_600_000);

    const [run] = await runsOf(accountId);
    expect(run).toMatchObject({ status: 'running', playbookName: 'Adoption risk', currentStep: 'week' });
    expect(run!.steps.map((s) => [s.stepId, s.state])).toEqual([
      ['call', 'succeeded'],
      ['week', 'current'],
      ['recovered', 'pending'],
      ['escalate', 'pending'],
    ]);

    const messages = await reader.waitForMessages((m) => m.key === `${workspaceId}:${accountId}`, 3);
    const types = messages.map((m) => JSON.parse(m.value!).type as string);
    expect(types).toEqual(
      expect.arrayContaining(['playbook.run.started', 'task.created', 'playbook.step.executed']),
    );
    const created = messages.map((m) => JSON.parse(m.value!)).find((e) => e.type === 'task.created');
    expect(created.data).toMatchObject({
      taskId: tasks[0]!.id,
      runId: run!.id,
      owner: 'csm@example.com',
      status: 'open',
    });
    expect(created.correlationId).toBe(alert.correlationId);

    // The same alert delivered again starts nothing new.
    await suite.publisher.publish([asAny({ ...alert })]);
    const done = await api<Task>('PATCH', `/v1/tasks/${tasks[0]!.id}`, {
      status: 'done',
      note: 'called, plan agreed',
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    expect((await api('PATCH', `/v1/tasks/${tasks[0]!.id}`, { status: 'skipped' })).status).toBe(409);
    const badPatch = await api<{ errors: { path: string }[] }>('PATCH', `/v1/tasks/${tasks[0]!.id}`, {
      status: 'open',
      extra: 1,
    });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.errors.map((e) => e.path).sort()).toEqual(['extra', 'status']);
    await reader.waitForMessages(
      (m) => m.key === `${workspaceId}:${accountId}` && JSON.parse(m.value!).type === 'task.completed',
    );
    expect(await runsOf(accountId)).toHaveLength(1);

    const adoption = (await api<{ items: Playbook[] }>('GET', '/v1/playbooks')).body.items.find(
      (p) => p.template === 'adoption-risk',
    )!;
    const dry = await api<{ steps: { stepId: string }[]; ending: string }>(
      'POST',
      `/v1/playbooks/${adoption.id}/dry-run`,
      { accountId },
    );
    expect(dry.status).toBe(200);
    expect(dry.body.steps.map((s) => s.stepId)).toEqual(['call', 'week', 'recovered', 'escalate']);
    const before = await suite.db.query('SELECT count(*)::int AS n FROM playbooks.tasks');
    expect((await api('POST', `/v1/playbooks/${randomUUID()}/dry-run`, { accountId })).status).toBe(404);
    expect(await suite.db.query('SELECT count(*)::int AS n FROM playbooks.tasks')).toEqual(before);
  });

  it('starts one run for an alert repeated inside one batch', async () => {
    const accountId = 'acct-twice';
    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, accountId, { band: 'red', score: 20 })),
    ]);
    await stored(accountId);
    const alert = asAny(alertEvent('alert.raised', workspaceId, accountId, 'score_below'));
    // One send, one record batch: the copies reach the consumer in one run.
    await suite.publisher.publish([alert, alert, alert]);
    const runs = await waitFor(
      async () => {
        const found = await runsOf(accountId);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the run the alert starts' },
    );
    expect(runs.map((r) => r.playbookName)).toEqual(['Adoption risk']);
    const tasks = await waitFor(
      async () => {
        const page = await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}`);
        return page.body.items.length > 0 ? page.body.items : undefined;
      },
      { what: 'the call task' },
    );
    expect(tasks).toHaveLength(1);
    const claimed = await suite.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM playbooks.inbox WHERE event_id = $1',
      [alert.id],
    );
    expect(claimed[0]!.n).toBe(1);
  });

  it('records a held-out account as a holdout run with no steps', async () => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Ticket spike follow-up',
      trigger: { type: 'alert_raised', ruleType: 'ticket_spike' },
      steps: [{ id: 'follow-up', type: 'task', title: 'Follow up on the tickets' }],
      holdoutPercent: 100,
    });
    expect(created.status).toBe(201);
    const accountId = 'acct-holdout';
    await suite.publisher.publish(profiledAlert(workspaceId, accountId, 'ticket_spike'));
    const runs = await waitFor(
      async () => {
        const found = await runsOf(accountId);
        return found.length > 0 ? found : undefined;
      },
      { what: 'the holdout run' },
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'holdout', steps: [] });
    // The engine claims only running runs that are due: a holdout is stored finished with nothing
    // due, so no later tick can give it a task or a step.
    const [stored] = await suite.db.query<{ next_at: Date | null; finished_at: Date | null }>(
      'SELECT next_at, finished_at FROM playbooks.runs WHERE id = $1',
      [runs[0]!.id],
    );
    expect(stored).toMatchObject({ next_at: null });
    expect(stored!.finished_at).not.toBeNull();
    expect((await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}`)).body.items).toEqual([]);
    expect(
      await suite.db.query('SELECT * FROM playbooks.step_executions WHERE run_id = $1', [runs[0]!.id]),
    ).toEqual([]);
    const started = await reader.waitForMessages(
      (m) => m.key === `${workspaceId}:${accountId}` && JSON.parse(m.value!).type === 'playbook.run.started',
    );
    expect(JSON.parse(started[0]!.value!).data.holdout).toBe(true);
  });

  it('sends the tech-touch welcome email to the account contact over SMTP', async () => {
    const accountId = 'acct-tech';
    await suite.publisher.publish([
      asAny(
        accountUpdated(workspaceId, accountId, {
          name: 'Tech Co',
          touchModel: 'tech',
          band: 'yellow',
          score: 60,
        }),
      ),
      asAny(
        testCustomerEvent(workspaceId, accountId, new Date().toISOString(), {
          call: 'group',
          groupId: accountId,
          event: undefined,
          traits: { name: 'Tech Co', contact_email: 'owner@techco.example' },
        }),
      ),
    ]);
    await stored(accountId);
    await waitForRows(
      suite.db,
      'SELECT 1 FROM playbooks.accounts WHERE account_id = $1 AND group_contact_email IS NOT NULL',
      [accountId],
    );
    await suite.publisher.publish([
      asAny(
        testCustomerEvent(workspaceId, accountId, new Date().toISOString(), {
          event: 'Subscription Started',
        }),
      ),
    ]);
    const mail = await waitFor(() => mails.find((m) => m.to.includes('owner@techco.example')), {
      what: 'the welcome email',
    });
    expect(mail.raw).toContain('Subject: Welcome to your new workspace, Tech Co');
    expect(mail.raw).toMatch(/Idempotency-Key: [0-9a-f-]{36}:welcome/);
    // The mail leaves before the tick that sent it commits; then the run waits for day 2.
    const runs = await waitFor(
      async () => {
        const found = await runsOf(accountId);
        return found.length === 1 && found[0]!.currentStep === 'until-day-2' ? found : undefined;
      },
      { what: 'the run to wait for day 2' },
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ playbookName: 'Onboarding (tech touch)', status: 'running' });
    expect(runs[0]!.steps.slice(0, 2).map((s) => [s.stepId, s.state])).toEqual([
      ['welcome', 'succeeded'],
      ['until-day-2', 'current'],
    ]);
    expect(mails.filter((m) => m.to.includes('owner@techco.example'))).toHaveLength(1);
  });

  it('ends a run as exited when its alert is resolved, and cancels a run on request', async () => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Inactivity watch',
      trigger: { type: 'alert_raised', ruleType: 'inactivity' },
      steps: [
        { id: 'watch', type: 'wait', until: { eventSeen: 'Signed In' }, timeout: 'P3D' },
        { id: 'nudge', type: 'task', title: 'Nudge' },
      ],
      exit: [{ alertResolved: true }],
    });
    expect(created.status).toBe(201);
    const alertId = randomUUID();
    await suite.publisher.publish(profiledAlert(workspaceId, 'acct-idle', 'inactivity', alertId));
    await suite.publisher.publish(profiledAlert(workspaceId, 'acct-idle-2', 'inactivity'));
    const waiting = async (accountId: string) =>
      waitFor(
        async () =>
          (await runsOf(accountId)).find((r) => r.currentStep === 'watch' && r.steps[0]!.state === 'current'),
        {
          what: `${accountId} waiting`,
        },
      );
    await waiting('acct-idle');
    const other = await waiting('acct-idle-2');
    await suite.publisher.publish([
      asAny(alertEvent('alert.resolved', workspaceId, 'acct-idle', 'inactivity', alertId)),
    ]);
    const exited = await waitFor(async () => (await runsOf('acct-idle')).find((r) => r.status === 'exited'), {
      what: 'the exit',
    });
    expect(exited.steps.map((s) => s.state)).toEqual(['not_reached', 'not_reached']);

    const cancelled = await api<Run>('POST', `/v1/playbook-runs/${other.id}/cancel`, {
      reason: 'handled by phone',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api('POST', `/v1/playbook-runs/${other.id}/cancel`, {})).status).toBe(409);
    const finished = await reader.waitForMessages(
      (m) =>
        JSON.parse(m.value!).type === 'playbook.run.finished' && JSON.parse(m.value!).data.runId === other.id,
    );
    expect(JSON.parse(finished[0]!.value!).data).toMatchObject({
      status: 'cancelled',
      reason: 'handled by phone',
    });
  });

  it('closes the open tasks of a run that exits or is cancelled, as skipped with why', async () => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Call about tickets',
      trigger: { type: 'alert_raised', ruleType: 'ticket_spike' },
      steps: [
        { id: 'call', type: 'task', title: 'Call about the tickets' },
        { id: 'hold', type: 'wait', duration: 'P3D' },
      ],
      exit: [{ alertResolved: true }],
    });
    expect(created.status).toBe(201);
    const alertId = randomUUID();
    await suite.publisher.publish([
      ...profiledAlert(workspaceId, 'acct-tickets', 'ticket_spike', alertId),
      ...profiledAlert(workspaceId, 'acct-tickets-2', 'ticket_spike'),
    ]);
    const openTask = (accountId: string) =>
      waitFor(
        async () =>
          (await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}&status=open`)).body.items[0],
        { what: `the call task of ${accountId}` },
      );
    const first = await openTask('acct-tickets');
    const second = await openTask('acct-tickets-2');
    await suite.publisher.publish([
      asAny(alertEvent('alert.resolved', workspaceId, 'acct-tickets', 'ticket_spike', alertId)),
    ]);
    const skipped = await waitFor(
      async () => {
        const task = (await api<Page<Task>>('GET', `/v1/tasks?accountId=acct-tickets`)).body.items.find(
          (t) => t.id === first.id && t.status !== 'open',
        );
        return task;
      },
      { what: 'the task of the exited run to be closed' },
    );
    expect(skipped).toMatchObject({ status: 'skipped' });
    expect(skipped.note).toMatch(/^run exited: /);

    const run = (await runsOf('acct-tickets-2')).find((r) => r.status === 'running')!;
    expect(
      (await api('POST', `/v1/playbook-runs/${run.id}/cancel`, { reason: 'customer called us' })).status,
    ).toBe(200);
    const cancelledTask = (
      await api<Page<Task>>('GET', `/v1/tasks?accountId=acct-tickets-2`)
    ).body.items.find((t) => t.id === second.id);
    expect(cancelledTask).toMatchObject({ status: 'skipped', note: 'run cancelled: customer called us' });
    const completed = await reader.waitForMessages(
      (m) => JSON.parse(m.value!).type === 'task.completed' && JSON.parse(m.value!).data.taskId === second.id,
    );
    expect(JSON.parse(completed[0]!.value!).data).toMatchObject({ status: 'skipped' });
  });

  it('releases a step waiting on a task when the task is done', async () => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Onboarding stalled call',
      trigger: { type: 'alert_raised', ruleType: 'onboarding_stalled' },
      steps: [
        { id: 'call', type: 'task', title: 'Call about onboarding', assignee: 'manager' },
        { id: 'held', type: 'wait', until: { taskDone: 'call' }, timeout: 'P7D' },
        { id: 'recap', type: 'task', title: 'Send the recap', dueIn: { hours: 4 } },
      ],
    });
    expect(created.status).toBe(201);
    const accountId = 'acct-stalled';
    await suite.publisher.publish(profiledAlert(workspaceId, accountId, 'onboarding_stalled'));
    const call = await waitFor(
      async () => (await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}`)).body.items[0],
      { what: 'the call task' },
    );
    expect(call).toMatchObject({ title: 'Call about onboarding', owner: 'manager@example.com' });
    await waitFor(async () => (await runsOf(accountId))[0]?.currentStep === 'held', { what: 'the wait' });
    expect((await api<Task>('PATCH', `/v1/tasks/${call.id}`, { status: 'done' })).status).toBe(200);
    const run = await waitFor(async () => (await runsOf(accountId)).find((r) => r.status === 'completed'), {
      what: 'the run to complete',
    });
    expect(run.steps.map((s) => [s.stepId, s.state])).toEqual([
      ['call', 'succeeded'],
      ['held', 'succeeded'],
      ['recap', 'succeeded'],
    ]);
    const tasks = (await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}&limit=1`)).body;
    expect(tasks.items.map((t) => t.title)).toEqual(['Send the recap']);
    expect(tasks.nextCursor).not.toBeNull();
    const next = (
      await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}&limit=1&cursor=${tasks.nextCursor}`)
    ).body;
    expect(next.items.map((t) => t.title)).toEqual(['Call about onboarding']);
    expect(next.nextCursor).toBeNull();
    expect((await api('GET', '/v1/tasks?cursor=nonsense&dueBefore=tomorrow')).status).toBe(400);
  });

  it('starts runs on a phase change and N days before renewal', async () => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Entering renewal',
      trigger: { type: 'phase_changed', to: 'renewal' },
      steps: [{ id: 'plan', type: 'task', title: 'Plan the renewal' }],
    });
    expect(created.status).toBe(201);
    const accountId = 'acct-phase';
    const renewalDate = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, accountId, { phase: 'adoption', band: 'yellow', score: 60 })),
    ]);
    await stored(accountId);
    await suite.publisher.publish([
      asAny(
        accountUpdated(workspaceId, accountId, { phase: 'renewal', band: 'yellow', score: 60, renewalDate }),
      ),
    ]);
    const runs = await waitFor(
      async () => {
        const found = await runsOf(accountId);
        return found.length >= 2 && found.every((r) => r.status === 'completed') ? found : undefined;
      },
      { what: 'the phase and renewal runs' },
    );
    expect(runs.map((r) => r.playbookName).sort()).toEqual(['Entering renewal', 'Renewal: 90-day review']);
    const titles = (await api<Page<Task>>('GET', `/v1/tasks?accountId=${accountId}`)).body.items.map(
      (t) => t.title,
    );
    expect(titles.sort()).toEqual(['Plan the renewal', 'Renewal review']);
  });

  it('starts a scheduled playbook for the accounts of its audience on the sweep', async () => {
    await suite.publisher.publish([
      asAny(accountUpdated(workspaceId, 'acct-ent', { segment: 'enterprise', band: 'green', score: 90 })),
      asAny(accountUpdated(workspaceId, 'acct-small', { segment: 'smb', band: 'green', score: 90 })),
    ]);
    await stored('acct-ent');
    await stored('acct-small');
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name: 'Quarterly business review',
      trigger: { type: 'schedule', every: '90d' },
      audience: { segments: ['enterprise'] },
      steps: [{ id: 'qbr', type: 'task', title: 'Prepare the QBR for {{account.name}}', dueInDays: 14 }],
    });
    expect(created.status).toBe(201);
    const task = await waitFor(
      async () => (await api<Page<Task>>('GET', '/v1/tasks?accountId=acct-ent')).body.items[0],
      { what: 'the QBR task' },
    );
    expect(task.title).toBe('Prepare the QBR for acct-ent');
    // Two more sweeps, run here rather than waited for: the same slot starts nothing again, and the
    // smb account is not in the audience.
    const sweep = suite.service.app.get(TriggerSweep);
    await sweep.run(new Date());
    await sweep.run(new Date());
    const runs = await suite.db.query<{ account_id: string }>(
      `SELECT account_id FROM playbooks.runs WHERE playbook_id = $1`,
      [created.body.id],
    );
    expect(runs).toEqual([{ account_id: 'acct-ent' }]);
  });
});
