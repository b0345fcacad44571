import {
  BuiltPipeline,
  BuiltService,
  dormantAccountCalls,
  postSegment,
  startBuiltPipeline,
  waitFor,
} from '@tsuzuku/platform-testing';

const DAY_MS = 86_400_000;
const KEY_FEATURES = ['Report Exported', 'Dashboard Shared', 'Alert Configured'];

interface MeasureView {
  readonly metric: string;
  readonly value: number | null;
  readonly points: number | null;
  readonly weight: number;
  readonly contribution: number;
}
interface HealthView {
  readonly score: number;
  readonly band: string;
  readonly coverage: number;
  readonly measures: readonly MeasureView[];
}

/**
 * As a customer would run it: a workspace from the CLI, settings and events through the public
 * APIs (events with the unmodified Segment HTTP API, historical ones through /v1/import), and
 * the health read back with its explanation.
 */
describe('health scores through the public APIs', () => {
  let pipeline: BuiltPipeline<'ingestion' | 'health-scoring'>;
  let ingestion: BuiltService;
  let scoring: BuiltService;
  let writeKey: string;
  let token: string;

  const send = async (path: string, body: unknown) =>
    expect(await postSegment(ingestion.url, writeKey, path, body)).toContain('"success":true');
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${scoring.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  const ago = (days: number, hour = 0) =>
    new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS + hour * 3_600_000).toISOString();

  beforeAll(async () => {
    pipeline = await startBuiltPipeline({
      label: 'e2e_health',
      services: ['ingestion', 'health-scoring'],
      // Imported history: each account's present is computed a second after the import is quiet.
      env: { BACKFILL_SETTLE_MS: '1000' },
      startTimeoutMs: 60_000,
      workspace: 'acme',
    });
    ({ writeKey, token } = pipeline);
    ({ ingestion, 'health-scoring': scoring } = pipeline.services);
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it('scores a healthy account green and a dormant one red, each explained by the measures that decided it', async () => {
    const settings = await api('/v1/settings', {
      method: 'PUT',
      // PUT takes the whole settings: the window and thresholds at their defaults.
      body: JSON.stringify({
        keyFeatures: KEY_FEATURES,
        onboardingMilestones: ['Invited Team', 'Connected Data'],
        renewalWindowDays: 90,
        touchHighMrr: 5000,
        touchLowMrr: 500,
      }),
    });
    expect(settings.status).toBe(200);

    const seats = 10;
    const healthy: unknown[] = [
      {
        type: 'group',
        userId: 'h-0',
        groupId: 'acct-healthy',
        timestamp: ago(60),
        traits: { name: 'Healthy Co', seats, mrr: 2000, plan: 'pro' },
      },
    ];
    for (let day = 29; day >= 0; day--)
      for (let user = 0; user < 8; user++)
        healthy.push({
          type: 'track',
          userId: `h-${user}`,
          event: 'Signed In',
          timestamp: ago(day),
          context: { groupId: 'acct-healthy' },
        });
    for (const [i, feature] of KEY_FEATURES.entries())
      healthy.push({
        type: 'track',
        userId: 'h-1',
        event: feature,
        timestamp: ago(3 + i),
        context: { groupId: 'acct-healthy' },
      });
    for (const step of ['Invited Team', 'Connected Data'])
      healthy.push({
        type: 'track',
        userId: 'h-0',
        event: 'Onboarding Step Completed',
        properties: { step },
        timestamp: ago(50),
        context: { groupId: 'acct-healthy' },
      });
    healthy.push({
      type: 'track',
      userId: 'h-2',
      event: 'Survey Responded',
      properties: { survey: 'nps', score: 10 },
      timestamp: ago(5),
      context: { groupId: 'acct-healthy' },
    });

    const dormant = dormantAccountCalls('acct-dormant', ago, seats);
    const all = [...healthy, ...dormant];
    for (let i = 0; i < all.length; i += 100) await send('/v1/import', { batch: all.slice(i, i + 100) });

    const healthOf = (id: string) =>
      waitFor(
        async () => {
          const response = await api(`/v1/accounts/${id}/health`);
          if (!response.ok) return undefined;
          const view = (await response.json()) as HealthView;
          const signIns = view.measures.find((m) => m.metric === 'sign_ins_30d')?.value;
          return signIns === (id === 'acct-healthy' ? 240 : 0) ? view : undefined;
        },
        { what: `${id} to be scored from all its events`, timeoutMs: 30_000 },
      );
    const green = await healthOf('acct-healthy');
    const red = await healthOf('acct-dormant');

    expect(green.band).toBe('green');
    expect(green.score).toBeGreaterThanOrEqual(70);
    expect(red.band).toBe('red');
    expect(red.score).toBeLessThan(40);

    // What decided it: the measures with the lowest points for the dormant account, and the
    // highest for the healthy one, are the ones the story says.
    const worst = [...red.measures].filter((m) => m.points !== null).sort((a, b) => a.points! - b.points!);
    expect(worst.slice(0, 5).map((m) => m.metric)).toEqual(
      expect.arrayContaining(['days_since_last_sign_in', 'latest_nps', 'p1_tickets_30d']),
    );
    const metric = (view: HealthView, name: string) => view.measures.find((m) => m.metric === name)!;
    expect(metric(red, 'days_since_last_sign_in').value).toBe(40);
    expect(metric(red, 'p1_tickets_30d').value).toBe(3);
    expect(metric(green, 'key_features_adopted').value).toBe(1);
    expect(metric(green, 'latest_nps').points).toBe(100);
    expect(metric(green, 'active_users_ratio_30d').value).toBeCloseTo(0.8);
  });
});
