import { randomUUID } from 'node:crypto';
import { EventPublisher } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  issueTestApiToken,
  startTestService,
  waitFor,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';

/** Longer than the test: only the notification can make B see the change in time. */
const TTL_MS = 300_000;

/**
 * Two health-scoring replicas on one database: settings changed through one are seen by the
 * other at once, without waiting for WORKSPACE_CACHE_TTL_MS: the change is announced with
 * NOTIFY and every replica drops its copy.
 */
describe('health-scoring: workspace caches across replicas', () => {
  let db: TestDatabase;
  let a: RunningTestService<HealthScoringConfig>;
  let b: RunningTestService<HealthScoringConfig>;

  beforeAll(async () => {
    db = await createTestDatabase('replica_caches');
    const env = { DATABASE_URL: db.url, WORKSPACE_CACHE_TTL_MS: String(TTL_MS) };
    a = await startTestService(healthScoringService, env);
    b = await startTestService(healthScoringService, env);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  it('a settings change through one replica is seen by the other without waiting for the cache TTL', async () => {
    const workspaceId = `ws_${randomUUID().slice(0, 8)}`;
    const publisher = a.app.get(EventPublisher);
    const token = await issueTestApiToken(publisher, a.url, workspaceId, ['read', 'write'], 'caches');
    await waitFor(
      async () =>
        (await fetch(`${b.url}/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } })).ok ||
        undefined,
      { what: 'replica B to accept the token' },
    );
    const settings = (url: string) =>
      fetch(`${url}/v1/settings`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => (await r.json()) as { renewalWindowDays: number },
      );
    // B caches the defaults.
    expect((await settings(b.url)).renewalWindowDays).toBe(90);

    const put = await fetch(`${a.url}/v1/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        onboardingMilestones: [],
        keyFeatures: ['Report Exported'],
        renewalWindowDays: 60,
        touchHighMrr: 5000,
        touchLowMrr: 500,
      }),
    });
    expect(put.status).toBe(200);
    const changedAt = Date.now();
    expect((await settings(a.url)).renewalWindowDays).toBe(60);
    await waitFor(async () => ((await settings(b.url)).renewalWindowDays === 60 ? true : undefined), {
      what: 'replica B to see the change',
      intervalMs: 50,
      timeoutMs: 10_000,
    });
    const seenAfterMs = Date.now() - changedAt;
    console.log(`replica B saw A's settings change after ${seenAfterMs} ms (cache TTL ${TTL_MS} ms)`);
  });
});
