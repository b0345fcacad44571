import { randomUUID } from 'node:crypto';
import { AlertEventData, AlertRuleType, AnyEventEnvelope } from '@tsuzuku/contracts';
import { ApiClient, useServiceUnderTest, waitFor } from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../src/engine/consumer-groups';
import { playbooksService } from '../src/service';
import { accountUpdated, alertEvent, asAny } from './signals';

interface Run {
  readonly id: string;
  readonly playbookId: string;
  readonly playbookName: string;
}
interface Playbook {
  readonly id: string;
  readonly name: string;
  readonly template: string | null;
}

/**
 * Playbooks that select the alerts they react to by rule id and by segment, through the API,
 * Kafka and Postgres: a custom rule starts only the playbook that names it, not the built-in
 * playbook of its rule type; a segment selector starts only for accounts of that segment.
 */
describe('playbooks selecting alerts by rule id and segment', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
  const api: ApiClient = (method, path, body) => suite.api(method, path, body);
  const runsOf = async (accountId: string) =>
    (await api<{ items: Run[] }>('GET', `/v1/playbook-runs?accountId=${encodeURIComponent(accountId)}`)).body
      .items;
  const runOf = (accountId: string, playbookId: string) =>
    waitFor(async () => (await runsOf(accountId)).find((r) => r.playbookId === playbookId), {
      what: `a run of ${playbookId} for ${accountId}`,
      timeoutMs: 20_000,
    });
  const create = async (name: string, trigger: Record<string, unknown>) => {
    const created = await api<Playbook>('POST', '/v1/playbooks', {
      name,
      trigger: { type: 'alert_raised', ...trigger },
      steps: [{ id: 'call', type: 'task', title: `${name}: call the customer` }],
    });
    expect(created.status).toBe(201);
    return created.body;
  };
  /** An alert as alerting publishes it, of a given rule and with the account's segment. */
  const alert = (
    accountId: string,
    rule: { id: string; type: AlertRuleType },
    segment: string | null,
  ): AnyEventEnvelope[] => {
    const raised = alertEvent('alert.raised', workspaceId, accountId, rule.type);
    const data: AlertEventData = { ...raised.data, ruleId: rule.id, segment };
    return [
      asAny(accountUpdated(workspaceId, accountId, { segment: segment ?? undefined })),
      asAny({ ...raised, data }),
    ];
  };

  const suite = useServiceUnderTest(
    playbooksService,
    () => ({
      label: 'playbooks_targeting',
      workspaceId,
      env: {
        PLAYBOOK_TICK_MS: '200',
        PLAYBOOK_DEFAULT_OWNER: 'cs-team@example.com',
      },
      joins: PLAYBOOKS_SIGNALS_CONSUMER,
    }),
    90_000,
  );

  it('starts only the playbook that names a custom rule, while the default rule still starts the built-in one', async () => {
    const builtIn = (await api<{ items: Playbook[] }>('GET', '/v1/playbooks')).body.items.find(
      (p) => p.template === 'adoption-risk',
    )!;
    expect(builtIn).toBeDefined();
    const customRule = { id: randomUUID(), type: 'score_below' as const };
    const defaultRule = { id: randomUUID(), type: 'score_below' as const };
    const refused = await api<{ errors: { path: string }[] }>('POST', '/v1/playbooks', {
      name: 'bad',
      trigger: { type: 'alert_raised', ruleIds: ['enterprise-at-risk'] },
      steps: [],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.path)).toEqual(['trigger.ruleIds[0]']);
    const enterprise = await create('Enterprise at risk', { ruleIds: [customRule.id] });

    await suite.publisher.publish([
      ...alert('acct-custom', customRule, 'Enterprise'),
      ...alert('acct-default', defaultRule, 'smb'),
    ]);

    // The playbooks an alert starts are decided together: once one run is there, so is the other's fate.
    await runOf('acct-custom', enterprise.id);
    await runOf('acct-default', builtIn.id);
    expect((await runsOf('acct-custom')).map((r) => r.playbookId)).toEqual([enterprise.id]);
    expect((await runsOf('acct-default')).map((r) => r.playbookId)).toEqual([builtIn.id]);
  }, 60_000);

  it('starts a segment playbook only for accounts of that segment, compared without case', async () => {
    const rule = { id: randomUUID(), type: 'inactivity' as const };
    const enterpriseOnly = await create('Enterprise gone quiet', {
      ruleType: 'inactivity',
      segments: ['enterprise'],
    });
    const anyAccount = await create('Gone quiet', { ruleType: 'inactivity' });

    await suite.publisher.publish([
      ...alert('acct-ent', rule, 'Enterprise'),
      ...alert('acct-smb', rule, 'SMB'),
    ]);

    await runOf('acct-ent', enterpriseOnly.id);
    await runOf('acct-ent', anyAccount.id);
    await runOf('acct-smb', anyAccount.id);
    expect((await runsOf('acct-smb')).map((r) => r.playbookId)).toEqual([anyAccount.id]);
  }, 60_000);
});
