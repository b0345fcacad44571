import { randomUUID } from 'node:crypto';
import { ChurnRisk } from '@tsuzuku/contracts';
import { testAccountUpdated, useServiceUnderTest, waitFor } from '@tsuzuku/platform-testing';
import { ALERTING_ACCOUNTS_CONSUMER } from '../src/consumer-groups';
import { alertingService } from '../src/service';

const DAY_MS = 86_400_000;

interface AlertRow {
  id: string;
  status: string;
  title: string;
  evidence: Record<string, unknown>;
  resolution: { reason: string } | null;
}

/**
 * The churn_risk_above rule on the Kafka path: account.updated with the churn model's prediction
 * published to cs.accounts.v1, the default rule (above 0.5) raising, resolving and cooling down.
 */
describe('alerting: churn_risk_above through Kafka', () => {
  const workspaceId = `ws_${randomUUID().slice(0, 8)}`;

  const risk = (probability: number): ChurnRisk => ({
    probability,
    horizonDays: 90,
    modelId: 'model-7',
    trainedAt: new Date(Date.now() - DAY_MS).toISOString(),
    cutoff: new Date(Date.now() - 91 * DAY_MS).toISOString().slice(0, 10),
    contributions: [
      {
        feature: 'days_since_last_sign_in',
        label: 'Days since the last sign-in',
        value: 41,
        contribution: 1.1,
      },
      { feature: 'latest_nps', label: 'Latest NPS answer', value: 9, contribution: -0.7 },
      { feature: 'open_p1_tickets', label: 'Open P1 tickets', value: 3, contribution: 0.6 },
      {
        feature: 'seats_active_30d',
        label: 'Seats active in the last 30 days',
        value: 0.2,
        contribution: 0.3,
      },
      { feature: 'mrr:change_30d', label: 'MRR change over 30 days', value: -50, contribution: 0.05 },
    ],
  });
  const updated = (accountId: string, churnRisk: ChurnRisk | null | undefined, backfill?: boolean) => {
    const e = testAccountUpdated(workspaceId, accountId, churnRisk === undefined ? {} : { churnRisk });
    return backfill ? { ...e, data: { ...e.data, backfill: true } } : e;
  };
  const alertsOf = (accountId: string) =>
    suite.db.query<AlertRow>(
      `SELECT id, status, title, evidence, resolution FROM alerting.alerts
       WHERE workspace_id = $1 AND account_id = $2 AND rule_type = 'churn_risk_above' ORDER BY opened_at`,
      [workspaceId, accountId],
    );
  /** Waits until alerting keeps the snapshot whose prediction is `probability` (null: none). */
  const snapshotRead = (accountId: string, probability: number | null) =>
    waitFor(
      async () =>
        (
          await suite.db.query(
            `SELECT 1 FROM alerting.accounts WHERE workspace_id = $1 AND account_id = $2
               AND (snapshot->'churnRisk'->>'probability')::float IS NOT DISTINCT FROM $3::float`,
            [workspaceId, accountId, probability],
          )
        ).length === 1 || undefined,
      { what: `the snapshot with churn probability ${probability}` },
    );

  const suite = useServiceUnderTest(
    alertingService,
    () => ({
      label: 'alerting_churn_risk',
      workspaceId,
      env: { ALERT_SWEEP_INTERVAL_MS: '300', CONSUMER_RETRY_BASE_MS: '20' },
      joins: ALERTING_ACCOUNTS_CONSUMER,
    }),
    60_000,
  );

  it('raises above the threshold with the top contributions, resolves below it, and cools down', async () => {
    await suite.publisher.publish([updated('acct-risky', risk(0.42))]);
    await snapshotRead('acct-risky', 0.42);
    expect(await alertsOf('acct-risky')).toEqual([]);

    await suite.publisher.publish([updated('acct-risky', risk(0.73))]);
    const [raised] = await waitFor(
      async () => ((await alertsOf('acct-risky')).length > 0 ? alertsOf('acct-risky') : undefined),
      {
        what: 'the churn_risk_above alert',
      },
    );
    expect(raised).toMatchObject({
      status: 'open',
      title:
        'Churn risk 73% within 90 days (above 50%): Days since the last sign-in = 41 (+1.1); Open P1 tickets = 3 (+0.6); Seats active in the last 30 days = 0.2 (+0.3)',
      evidence: { probability: 0.73, threshold: 0.5, horizonDays: 90, modelId: 'model-7' },
    });
    // The API shows the same explanation.
    const listed = await fetch(
      `${suite.service.url}/v1/alerts?accountId=acct-risky&ruleType=churn_risk_above`,
      {
        headers: { authorization: `Bearer ${suite.token}` },
      },
    );
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: { title: string; evidence: Record<string, unknown> }[] };
    expect(body.items.map((a) => a.evidence['topContributions'])).toEqual([
      raised!.evidence['topContributions'],
    ]);

    await suite.publisher.publish([updated('acct-risky', risk(0.31))]);
    const [resolved] = await waitFor(
      async () => {
        const alerts = await alertsOf('acct-risky');
        return alerts[0]?.status === 'resolved' ? alerts : undefined;
      },
      { what: 'the resolution below the threshold' },
    );
    expect(resolved!.resolution!.reason).toBe('condition cleared: Churn risk 31% within 90 days');

    // Above again within the rule's cooldown (a day): nothing new.
    await suite.publisher.publish([updated('acct-risky', risk(0.81))]);
    await snapshotRead('acct-risky', 0.81);
    expect((await alertsOf('acct-risky')).map((a) => a.status)).toEqual(['resolved']);
  });

  it('never raises on an absent or null prediction, nor on a past (backfill) one', async () => {
    await suite.publisher.publish([
      updated('acct-no-model', null),
      updated('acct-old-message', undefined),
      updated('acct-past-risk', risk(0.95), true),
    ]);
    // The present after the past, on the same partition: both were read once it is kept.
    await suite.publisher.publish([updated('acct-past-risk', risk(0.1))]);
    await snapshotRead('acct-no-model', null);
    await snapshotRead('acct-old-message', null);
    await snapshotRead('acct-past-risk', 0.1);
    expect(await alertsOf('acct-no-model')).toEqual([]);
    expect(await alertsOf('acct-old-message')).toEqual([]);
    expect(await alertsOf('acct-past-risk')).toEqual([]);
  });
});
