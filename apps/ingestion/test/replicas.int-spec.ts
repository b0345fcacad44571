import { RunningTestService, startTestService, waitFor } from '@tsuzuku/platform-testing';
import { IngestionConfig } from '../src/config/ingestion.config';
import { ingestionService } from '../src/service';
import { ADMIN_TOKEN, RunningIngestion, basic, createWorkspace, startIngestion } from './ingestion-harness';

const LIMITS = {
  RATE_LIMIT_EVENTS_PER_SECOND: '1',
  RATE_LIMIT_EVENTS_BURST: '20',
  REPLICA_HEARTBEAT_MS: '200',
};

/**
 * Two ingestion replicas on one database share the configured rate limit: each takes 1/N of it,
 * N being the replicas that kept their heartbeat row in ingestion.instances, so together they
 * admit the total, not twice it; when one stops, the other takes the whole.
 */
describe('ingestion: rate limits across replicas', () => {
  let a: RunningIngestion;
  let b: RunningTestService<IngestionConfig> | undefined;

  beforeAll(async () => {
    a = await startIngestion(LIMITS, 'ingestion_replicas');
    b = await startTestService(ingestionService, {
      DATABASE_URL: a.db.url,
      TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
      ...LIMITS,
    });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('admits the configured total across two replicas, and the whole on one once the other stops', async () => {
    const ws = await createWorkspace(a.service.url, 'shared-limit');
    let accepted = 0;
    const track = async (url: string) => {
      const response = await fetch(`${url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(ws.writeKey) },
        body: JSON.stringify({ userId: 'u1', event: 'Signed In' }),
      });
      if (response.status === 200) accepted++;
      else expect(response.status).toBe(429);
      return response.headers.get('ratelimit-limit');
    };
    const startedAt = Date.now();
    // Each replica's burst is its share once it counts two live replicas (each probe counts too).
    for (const url of [a.service.url, b!.url])
      await waitFor(async () => ((await track(url)) === '10' ? true : undefined), {
        what: `${url} to take half the burst`,
        intervalMs: 100,
      });
    for (let i = 0; i < 25; i++) {
      await track(a.service.url);
      await track(b!.url);
    }
    const elapsedS = (Date.now() - startedAt) / 1000;
    console.log(
      `two replicas, a limit of 20 events burst + 1/s in total: ${accepted} accepted in ${elapsedS.toFixed(1)} s`,
    );
    // The burst of 20 plus what 1 event/s (in total) brought back meanwhile; one replica alone
    // with the whole limit would have taken 20 of the 50 by itself.
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThanOrEqual(20 + Math.ceil(elapsedS) + 1);

    await b!.close();
    b = undefined;
    await waitFor(async () => ((await track(a.service.url)) === '20' ? true : undefined), {
      what: 'the remaining replica to take the whole burst',
      intervalMs: 100,
    });
  });
});
