import { randomUUID } from 'node:crypto';
import {
  BuiltPipeline,
  BuiltService,
  PIPELINE_CONSUMER_GROUPS,
  apiClient,
  enterpriseSignupCalls,
  postSegment,
  startBuiltPipeline,
  waitFor,
  waitForCatchUp,
} from '@tsuzuku/platform-testing';

const SIGNUPS = 5;

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The most common signup, as a product sends it: group, identify, Subscription Started and
 * Signed In in ONE /v1/batch call, so the subscription may be seen before the account's
 * profile. The onboarding playbook (for enterprise accounts) must start exactly once per signup.
 */
describe('a signup sent as one batch starts its onboarding once', () => {
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring' | 'playbooks'>;
  let ingestion: BuiltService;
  let playbooks: BuiltService;
  let writeKey = '';
  let token = '';

  const api = apiClient(
    () => playbooks.url,
    () => token,
  );

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_signup',
      services: ['ingestion', 'health-scoring', 'playbooks'],
      workspace: 'signup-e2e',
      acceptedBy: ['playbooks'],
      workspaceTimeoutMs: 60_000,
    });
    ({ writeKey, token } = pipeline);
    ({ ingestion, playbooks } = pipeline.services);
  }, 300_000);

  afterAll(() => pipeline?.stop());

  it(`starts the onboarding of each of ${SIGNUPS} signups exactly once`, async () => {
    const created = await api<{ id: string }>('POST', '/v1/playbooks', {
      name: 'Enterprise onboarding',
      trigger: { type: 'subscription_started' },
      audience: { segments: ['enterprise'] },
      steps: [{ id: 'kickoff', type: 'task', title: 'Kickoff with {{account.name}}', dueInDays: 1 }],
    });
    expect(created.status).toBe(201);
    const playbookId = created.body.id;

    const accounts = Array.from({ length: SIGNUPS }, (_, i) => `signup-${i}-${randomUUID().slice(0, 6)}`);
    const now = new Date().toISOString();
    await Promise.all(
      accounts.map(async (groupId, i) => {
        // The owner's identify call second, between the group call and the subscription.
        const [group, ...activity] = enterpriseSignupCalls(groupId, `Signup ${i}`, now);
        const identify = {
          type: 'identify',
          messageId: randomUUID(),
          userId: `${groupId}-owner`,
          timestamp: now,
          traits: { email: `owner${i}@signup.example.com` },
        };
        const answer = await postSegment(ingestion.url, writeKey, '/v1/batch', {
          batch: [group, identify, ...activity],
        });
        expect(answer).toContain('"success":true');
      }),
    );

    const runsOf = async () =>
      (await api<Page<{ accountId: string }>>('GET', `/v1/playbook-runs?playbookId=${playbookId}&limit=200`))
        .body.items;
    await waitFor(async () => ((await runsOf()).length === SIGNUPS ? true : undefined), {
      what: `${SIGNUPS} onboarding runs`,
      timeoutMs: 180_000,
    });
    // Every message of the pipeline read: nothing more is on its way.
    await waitForCatchUp(
      brokers,
      PIPELINE_CONSUMER_GROUPS.filter(
        (g) => g.groupId === 'health-scoring.scoring' || g.groupId === 'playbooks.signals',
      ),
      { timeoutMs: 120_000 },
    );
    const runs = await runsOf();
    expect(runs.map((r) => r.accountId).sort()).toEqual([...accounts].sort());
    for (const accountId of accounts) {
      const decisions = (
        await api<Page<{ outcome: string }>>(
          'GET',
          `/v1/trigger-decisions?accountId=${accountId}&playbookId=${playbookId}`,
        )
      ).body.items;
      expect(decisions.filter((d) => d.outcome === 'started')).toHaveLength(1);
    }
  }, 420_000);
});
