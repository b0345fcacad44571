import { randomUUID } from 'node:crypto';
import { DENIED_OUTBOUND_SCHEMES, DENIED_OUTBOUND_TARGETS } from '@tsuzuku/platform-runtime';
import { ApiClient, useServiceUnderTest, waitFor } from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated, asAny, profiledAlert } from './signals';

const SECRET = 'whsec_outbound_test_0001';

interface Step {
  id: string;
  type: string;
  url?: string;
  secrets?: string[];
}

/**
 * Webhook and notify URLs with the production default outbound policy: internal targets refused
 * when a definition is stored and again when a step calls out; URLs masked in every answer.
 */
describe('playbooks outbound URLs', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);

  const suite = useServiceUnderTest(playbooksService, () => ({
    label: 'playbooks_outbound',
    workspaceId,
    env: {
      PLAYBOOK_TICK_MS: '100',
      PLAYBOOK_STEP_MAX_ATTEMPTS: '1',
    },
    joins: PLAYBOOKS_SIGNALS_CONSUMER,
  }));

  it('refuses every internal target in a webhook or notify step, naming the step field', async () => {
    const accepted: string[] = [];
    for (const url of [...DENIED_OUTBOUND_TARGETS.map((t) => t.url), ...DENIED_OUTBOUND_SCHEMES]) {
      const answer = await api<{ error: string; errors: { path: string }[] }>('POST', '/v1/playbooks', {
        name: 'internal',
        trigger: { type: 'subscription_started' },
        steps: [
          { id: 'hook', type: 'webhook', url, secrets: [SECRET] },
          { id: 'ping', type: 'notify', url, text: 'hi' },
        ],
      });
      const paths = answer.status === 400 ? answer.body.errors.map((e) => e.path) : [];
      if (paths.join() !== 'steps[0].url,steps[1].url')
        accepted.push(`${url} → ${answer.status} ${paths.join()}`);
    }
    expect(accepted).toEqual([]);

    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'public',
      enabled: false,
      trigger: { type: 'subscription_started' },
      steps: [{ id: 'hook', type: 'webhook', url: 'https://hooks.example.com/in', secrets: [SECRET] }],
    });
    expect(created.status).toBe(201);
    const patched = await api<{ errors: { path: string; message: string }[] }>(
      'PATCH',
      `/v1/playbooks/${created.body.id}`,
      { steps: [{ id: 'hook', type: 'webhook', url: 'http://0x7f000001:8080/admin', secrets: [SECRET] }] },
    );
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([
      { path: 'steps[0].url', message: 'address 127.0.0.1 is not allowed (loopback)' },
    ]);
    expect(
      await suite.db.query(
        `SELECT 1 FROM playbooks.playbooks WHERE workspace_id = $1 AND name = 'internal'`,
        [workspaceId],
      ),
    ).toEqual([]);
  });

  it('masks URL credentials and query values in answers and dry runs, and keeps them when sent back as read', async () => {
    const webhookUrl = 'https://hook-user:hook-pass-77@hooks.example.com/in?token=tok-5150&v=2';
    const notifyUrl = 'https://hooks.slack.com/services/T000/B000/slackpath-9090';
    const created = await api<{ id: string; steps: Step[] }>('POST', '/v1/playbooks', {
      name: 'Masked',
      enabled: false,
      trigger: { type: 'subscription_started' },
      steps: [
        { id: 'hook', type: 'webhook', url: webhookUrl, secrets: [SECRET] },
        { id: 'ping', type: 'notify', url: notifyUrl, text: 'hi' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.steps.map((s) => s.url)).toEqual([
      'https://••••@hooks.example.com/in?token=••••&v=••••',
      'https://hooks.slack.com/••••',
    ]);
    const secrets = ['hook-pass-77', 'tok-5150', 'slackpath-9090', 'hook-user'];
    const read = await api<Record<string, unknown>>('GET', `/v1/playbooks/${created.body.id}`);
    const listed = await api('GET', '/v1/playbooks');
    const version = await api('GET', `/v1/playbooks/${created.body.id}/versions/1`);

    await suite.publisher.publish([asAny(accountUpdated(workspaceId, 'acct-masked'))]);
    const dry = await waitFor(
      async () => {
        const answer = await api<{ steps: { summary: string }[] }>(
          'POST',
          `/v1/playbooks/${created.body.id}/dry-run`,
          { accountId: 'acct-masked' },
        );
        return answer.status === 200 ? answer.body : undefined;
      },
      { what: 'the dry run of a known account' },
    );
    expect(dry.steps.map((s) => s.summary)).toEqual([
      'POST a signed webhook to https://••••@hooks.example.com/in?token=••••&v=••••',
      'notify https://hooks.slack.com/••••',
    ]);
    for (const answer of [read.body, listed.body, version.body, dry])
      for (const secret of secrets) expect(JSON.stringify(answer)).not.toContain(secret);

    const resent = await api('PUT', `/v1/playbooks/${created.body.id}`, { ...read.body, name: 'Masked v2' });
    expect(resent.status).toBe(200);
    const [row] = await suite.db.query<{ definition: { steps: Step[] } }>(
      'SELECT definition FROM playbooks.playbook_versions WHERE playbook_id = $1 AND version = 2',
      [created.body.id],
    );
    expect(row!.definition.steps.map((s) => s.url)).toEqual([webhookUrl, notifyUrl]);
  });

  it('refuses at send time a URL stored before the check, with the reason in the run', async () => {
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Stored before the check',
      trigger: { type: 'alert_raised', ruleType: 'onboarding_stalled' },
      steps: [{ id: 'hook', type: 'webhook', url: 'https://hooks.example.com/stale', secrets: [SECRET] }],
    });
    expect(created.status).toBe(201);
    // As a definition written before URLs were checked.
    for (const [table, key] of [
      ['playbooks', 'id'],
      ['playbook_versions', 'playbook_id'],
    ])
      await suite.db.query(
        `UPDATE playbooks.${table} SET definition = jsonb_set(definition, '{steps,0,url}', to_jsonb($2::text))
         WHERE ${key} = $1`,
        [created.body.id, 'http://[fd00:ec2::254]/latest/meta-data/'],
      );
    // The alert with its account's profile: a trigger on an account not yet known waits for it.
    await suite.publisher.publish(profiledAlert(workspaceId, 'acct-stale', 'onboarding_stalled'));
    const run = await waitFor(
      async () =>
        (
          await suite.db.query<{ status: string; reason: string; last_error: string }>(
            `SELECT status, reason, last_error FROM playbooks.runs WHERE playbook_id = $1 AND status <> 'running'`,
            [created.body.id],
          )
        )[0],
      { what: 'the run to end', timeoutMs: 20_000 },
    );
    expect(run).toEqual({
      status: 'failed',
      reason: 'step hook failed after 1 attempt(s): address fd00:ec2::254 is not allowed (private)',
      last_error: 'address fd00:ec2::254 is not allowed (private)',
    });
  });
});
