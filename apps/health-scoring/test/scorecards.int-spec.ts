import { randomUUID } from 'node:crypto';
import { ApiScope, CustomerEventData } from '@tsuzuku/contracts';
import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { ConsumerRunner, EventPublisher, KafkaConnection } from '@tsuzuku/platform-kafka';
import {
  RunningTestService,
  TestDatabase,
  createTestDatabase,
  startTestService,
  waitFor,
  issueTestApiToken,
  testCustomerEvent,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';

interface Scorecard {
  id: string;
  workspaceId: string;
  name: string;
  isDefault: boolean;
  draft: boolean;
  segment: string | null;
  touchModel: string | null;
  measures: { id: string; metric: string; method: { kind: string } }[];
  bands: { red: number; yellow: number };
  version: number;
  rescored?: number;
}
interface Problems {
  statusCode: number;
  error: string;
  errors: { path: string; message: string }[];
}

/**
 * Scorecards and workspace settings through the API of the real service, on the real Postgres
 * and Kafka: API tokens arrive as ingestion would announce them, on cs.credentials.v1.
 */
describe('scorecards and settings API', () => {
  const workspaceA = `ws_${randomUUID().slice(0, 8)}`;
  const workspaceB = `ws_${randomUUID().slice(0, 8)}`;
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let publisher: EventPublisher;
  let tokenA: string;
  let readOnlyA: string;
  let tokenB: string;

  const api = async <T>(token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, text };
  };

  /** A page of the workspace's scorecards (every list answers { items, nextCursor }). */
  type Page = { items: Scorecard[]; nextCursor: string | null };
  const scorecardsOf = async (token: string) => (await api<Page>(token, 'GET', '/v1/scorecards')).body.items;

  /** An API token as ingestion announces one: only its hash travels. */
  const issueToken = (workspaceId: string, scopes: ApiScope[]) =>
    issueTestApiToken(publisher, service.url, workspaceId, scopes, 'scorecards-test');

  const event = (accountId: string, data: Partial<CustomerEventData>) =>
    testCustomerEvent(workspaceA, accountId, new Date().toISOString(), { event: undefined, ...data });

  const account = async (accountId: string) =>
    (
      await db.query<{ score: string | null; scorecard_id: string | null }>(
        'SELECT score, scorecard_id FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
        [workspaceA, accountId],
      )
    )[0];

  const validMeasure = {
    id: 'busy',
    label: 'Busy',
    category: 'engagement',
    metric: 'sign_ins_30d',
    method: { kind: 'boolean', threshold: 1000 },
    direction: 'higher_is_better',
    weight: 1,
  };

  beforeAll(async () => {
    db = await createTestDatabase('scorecards');
    service = await startTestService(healthScoringService, { DATABASE_URL: db.url });
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
    const connection = new KafkaConnection(
      loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] }),
      'scorecards-test',
    );
    publisher = new EventPublisher(connection);
    [tokenA, readOnlyA, tokenB] = await Promise.all([
      issueToken(workspaceA, ['read', 'write']),
      issueToken(workspaceA, ['read']),
      issueToken(workspaceB, ['admin']),
    ]);
  });

  afterAll(async () => {
    await publisher?.onApplicationShutdown();
    await service?.close();
    await db?.drop();
  });

  it('lists the default DEAR scorecard on the first GET, created once', async () => {
    const first = await api<Page>(tokenA, 'GET', '/v1/scorecards');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toBeNull();
    expect(first.body.items).toHaveLength(1);
    const [card] = first.body.items;
    expect(card).toMatchObject({
      workspaceId: workspaceA,
      isDefault: true,
      segment: null,
      touchModel: null,
      bands: { red: 40, yellow: 70 },
      version: 1,
    });
    expect(card!.measures).toHaveLength(13);

    expect((await scorecardsOf(tokenA)).map((s) => s.id)).toEqual([card!.id]);
    const one = await api<Scorecard>(tokenA, 'GET', `/v1/scorecards/${card!.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(card);
    const rows = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM health_scoring.scorecards WHERE workspace_id = $1',
      [workspaceA],
    );
    expect(rows[0]!.n).toBe('1');
  });

  it('refuses an invalid scorecard with 400 and every problem with its field path', async () => {
    const [defaults] = await scorecardsOf(tokenA);
    const measures = JSON.parse(JSON.stringify(defaults!.measures)) as Record<string, unknown>[];
    (measures[2]!['method'] as { ranges: { points: number }[] }).ranges[0]!.points = 150;
    measures[4]!['id'] = measures[0]!['id'];
    const semantic = await api<Problems>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Broken',
      measures,
      bands: { red: 80, yellow: 70 },
    });
    expect(semantic.status).toBe(400);
    expect(semantic.body.error).toBe('invalid_scorecard');
    expect(semantic.body.errors.map((e) => e.path).sort()).toEqual(
      ['bands.yellow', 'measures[2].method.ranges[0].points', 'measures[4].id', 'segment'].sort(),
    );

    const shape = await api<Problems>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Broken',
      segment: 'smb',
      measures: [{ ...validMeasure, method: { kind: 'ranges', ranges: [{ points: 'lots' }] } }],
    });
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e) => e.path)).toContain('measures[0].method.ranges[0].points');

    expect(await scorecardsOf(tokenA)).toHaveLength(1);
  });

  it('creates a segment scorecard and a touch-model one, each rescoring the workspace, and refuses a second one for the same audience', async () => {
    // A tech-touch account (no MRR), scored by the default scorecard.
    await publisher.publish([event('acct-1', { event: 'Signed In' })]);
    await waitFor(async () => ((await account('acct-1'))?.score != null ? true : undefined), {
      what: 'the account to be scored by the default scorecard',
    });
    const [defaults] = await scorecardsOf(tokenA);
    expect((await account('acct-1'))!.scorecard_id).toBe(defaults!.id);

    const enterprise = await api<Scorecard>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Enterprise',
      segment: 'enterprise',
    });
    expect(enterprise.status).toBe(201);
    expect(enterprise.body).toMatchObject({
      name: 'Enterprise',
      isDefault: false,
      segment: 'enterprise',
      touchModel: null,
      version: 1,
      bands: { red: 40, yellow: 70 },
      rescored: 1,
    });
    expect(enterprise.body.measures).toEqual(defaults!.measures);
    expect((await account('acct-1'))!.scorecard_id).toBe(defaults!.id);

    const tech = await api<Scorecard>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Tech touch',
      touchModel: 'tech',
      measures: [validMeasure],
    });
    expect(tech.status).toBe(201);
    expect(tech.body).toMatchObject({ segment: null, touchModel: 'tech', rescored: 1 });
    // Rescored before the answer: the account is on the new scorecard, and the history says why.
    const scored = await account('acct-1');
    expect(scored!.scorecard_id).toBe(tech.body.id);
    expect(Number(scored!.score)).toBe(0);
    const [last] = await db.query<{ reason: string }>(
      'SELECT reason FROM health_scoring.score_history WHERE workspace_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT 1',
      [workspaceA, 'acct-1'],
    );
    expect(last!.reason).toBe('scorecard changed: Tech touch');

    const duplicate = await api<Problems>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Enterprise again',
      segment: 'enterprise',
      measures: [validMeasure],
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toBe('scorecard_audience_taken');

    // Another audience is fine: the segment with a touch model.
    const narrower = await api<Scorecard>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Enterprise high touch',
      segment: 'enterprise',
      touchModel: 'high',
    });
    expect(narrower.status).toBe(201);
    expect((await scorecardsOf(tokenA)).map((s) => s.name)).toEqual([
      'DEAR (default)',
      'Enterprise',
      'Tech touch',
      'Enterprise high touch',
    ]);
  });

  it('patches and replaces a scorecard, bumping its version, and keeps the default', async () => {
    const listed = await scorecardsOf(tokenA);
    const defaults = listed.find((s) => s.isDefault)!;
    const enterprise = listed.find((s) => s.name === 'Enterprise')!;
    const tech = listed.find((s) => s.name === 'Tech touch')!;

    const patched = await api<Scorecard>(tokenA, 'PATCH', `/v1/scorecards/${enterprise.id}`, {
      bands: { red: 30, yellow: 60 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, bands: { red: 30, yellow: 60 }, segment: 'enterprise' });
    expect(patched.body.measures).toEqual(enterprise.measures);
    const nothing = await api<Problems>(tokenA, 'PATCH', `/v1/scorecards/${enterprise.id}`, {});
    expect(nothing.status).toBe(400);

    const replaced = await api<Scorecard>(tokenA, 'PUT', `/v1/scorecards/${enterprise.id}`, {
      name: 'Enterprise (low touch)',
      segment: 'enterprise',
      touchModel: 'low',
      measures: [validMeasure],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ version: 3, touchModel: 'low', bands: { red: 40, yellow: 70 } });
    const taken = await api<Problems>(tokenA, 'PUT', `/v1/scorecards/${enterprise.id}`, {
      name: 'Enterprise (high touch)',
      segment: 'enterprise',
      touchModel: 'high',
      measures: [validMeasure],
    });
    expect(taken.status).toBe(409);

    const defaultWithAudience = await api<Problems>(tokenA, 'PUT', `/v1/scorecards/${defaults.id}`, {
      name: 'Default',
      segment: 'enterprise',
      measures: [validMeasure],
    });
    expect(defaultWithAudience.status).toBe(400);
    expect(defaultWithAudience.body.errors.map((e) => e.path)).toEqual(['segment']);

    const renamed = await api<Scorecard>(tokenA, 'PATCH', `/v1/scorecards/${defaults.id}`, { name: 'DEAR' });
    expect(renamed.body).toMatchObject({ name: 'DEAR', version: 2, isDefault: true });

    const deleteDefault = await api<Problems>(tokenA, 'DELETE', `/v1/scorecards/${defaults.id}`);
    expect(deleteDefault.status).toBe(409);
    const deleted = await api<undefined>(tokenA, 'DELETE', `/v1/scorecards/${tech.id}`);
    expect(deleted).toMatchObject({ status: 204, text: '' });
    expect((await api(tokenA, 'GET', `/v1/scorecards/${tech.id}`)).status).toBe(404);
    // Its account falls back to the default scorecard.
    expect((await account('acct-1'))!.scorecard_id).toBe(defaults.id);
  });

  it('compares segments without regard to case, and warns of a scorecard whose segment no account has', async () => {
    // An account whose group call says segment "smb".
    await publisher.publish([
      event('acct-smb', { call: 'group', traits: { name: 'Small Co', segment: 'smb' } }),
    ]);
    await waitFor(async () => ((await account('acct-smb'))?.score != null ? true : undefined), {
      what: 'the smb account to be scored',
    });
    const smb = await api<Scorecard & { warnings: unknown[] }>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Small business',
      segment: 'SMB',
      measures: [validMeasure],
    });
    expect(smb.status).toBe(201);
    // "SMB" is the segment smb: it scores that account, and warns of nothing.
    expect(smb.body.warnings).toEqual([]);
    expect((await account('acct-smb'))!.scorecard_id).toBe(smb.body.id);
    // The same audience in another case is the same audience.
    const twin = await api<Problems>(tokenA, 'POST', '/v1/scorecards', { name: 'smb again', segment: 'Smb' });
    expect(twin.status).toBe(409);
    // The accounts list filters the same way.
    const accounts = await api<{ items: { accountId: string }[] }>(tokenA, 'GET', '/v1/accounts?segment=sMb');
    expect(accounts.body.items.map((a) => a.accountId)).toEqual(['acct-smb']);

    // A segment no account has is accepted, with a warning that says so.
    const nobody = await api<Scorecard & { warnings: unknown[] }>(tokenA, 'POST', '/v1/scorecards', {
      name: 'Nobody yet',
      segment: 'Strategic',
    });
    expect(nobody.status).toBe(201);
    expect(nobody.body.warnings).toEqual([
      { code: 'matches_no_account', field: 'segment', message: expect.stringContaining('"Strategic"') },
    ]);
    await api(tokenA, 'DELETE', `/v1/scorecards/${smb.body.id}`);
    await api(tokenA, 'DELETE', `/v1/scorecards/${nobody.body.id}`);
  });

  it("never shows or changes another workspace's scorecards, and needs the write scope for changes", async () => {
    const ofA = await scorecardsOf(tokenA);
    const target = ofA.find((s) => !s.isDefault)!;

    expect((await api(tokenB, 'GET', `/v1/scorecards/${target.id}`)).status).toBe(404);
    expect((await api(tokenB, 'PATCH', `/v1/scorecards/${target.id}`, { name: 'mine' })).status).toBe(404);
    expect(
      (
        await api(tokenB, 'PUT', `/v1/scorecards/${target.id}`, {
          name: 'mine',
          segment: 'x',
          measures: [validMeasure],
        })
      ).status,
    ).toBe(404);
    expect((await api(tokenB, 'DELETE', `/v1/scorecards/${target.id}`)).status).toBe(404);
    expect((await api(tokenB, 'GET', '/v1/scorecards/not-a-uuid')).status).toBe(404);
    const ofB = await scorecardsOf(tokenB);
    expect(ofB).toHaveLength(1);
    expect(ofB[0]!.workspaceId).toBe(workspaceB);
    expect((await api<Scorecard>(tokenA, 'GET', `/v1/scorecards/${target.id}`)).body.version).toBe(
      target.version,
    );

    expect((await api(readOnlyA, 'GET', '/v1/scorecards')).status).toBe(200);
    const forbidden = await api(readOnlyA, 'POST', '/v1/scorecards', { name: 'x', segment: 'y' });
    expect(forbidden.status).toBe(403);
    expect((await api('tzk_at_unknown', 'GET', '/v1/scorecards')).status).toBe(401);
  });

  it('backtests a scorecard and fits weights with the read scope, refusing a bad body with its field paths', async () => {
    const card = (await scorecardsOf(readOnlyA)).find((s) => s.isDefault)!;
    const paths = (body: Problems) => [...new Set(body.errors.map((e) => e.path))].sort();
    const path = `/v1/scorecards/${card.id}/backtest`;
    const empty = await api<Problems>(readOnlyA, 'POST', path, {});
    expect([empty.status, paths(empty.body)]).toEqual([400, ['from', 'outcome', 'to']]);
    const bad = await api<Problems>(readOnlyA, 'POST', path, {
      from: '2025-05-01',
      to: '2025-04-01',
      outcome: 'loss',
      horizonDays: 0,
      compareWith: 'draft',
    });
    expect([bad.status, paths(bad.body)]).toEqual([400, ['compareWith', 'horizonDays', 'outcome', 'to']]);

    const period = { from: '2025-01-01', to: '2025-12-31', outcome: 'churn' };
    const answer = await api<{
      horizonDays: number;
      sample: { withOutcome: number; sampled: number };
      result: { scorecardId: string; auc: number | null; byBand: { group: string }[] };
    }>(readOnlyA, 'POST', path, period);
    expect(answer.status).toBe(200);
    // Nobody churned in 2025 in this workspace: nothing to compare, said so rather than guessed.
    expect(answer.body).toMatchObject({
      horizonDays: 90,
      sample: { withOutcome: 0, sampled: 0 },
      result: { scorecardId: card.id, auc: null },
    });
    expect(answer.body.result.byBand.map((b) => b.group)).toEqual(['red', 'yellow', 'green']);
    const fit = await api<Problems>(readOnlyA, 'POST', `/v1/scorecards/${card.id}/suggested-weights`, period);
    expect([fit.status, fit.body.error]).toEqual([422, 'nothing_to_fit']);

    expect((await api(readOnlyA, 'POST', path, { ...period, compareWith: randomUUID() })).status).toBe(404);
    expect((await api(readOnlyA, 'POST', `/v1/scorecards/${randomUUID()}/backtest`, period)).status).toBe(
      404,
    );
    expect((await api(tokenB, 'POST', path, period)).status).toBe(404);

    // The OpenAPI document has both routes, with their bodies and answers.
    const openapi = (await (await fetch(`${service.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    for (const [route, answer] of [
      ['/v1/scorecards/{id}/backtest', 'BacktestDto'],
      ['/v1/scorecards/{id}/suggested-weights', 'SuggestedWeightsDto'],
    ] as const) {
      const post = openapi.paths[route]!['post']!;
      expect(JSON.stringify(post.responses['200'])).toContain(answer);
      expect(Object.keys(post.responses)).toEqual(
        expect.arrayContaining(
          route.endsWith('backtest') ? ['200', '400', '404'] : ['200', '400', '404', '422'],
        ),
      );
      expect(post.requestBody).toBeDefined();
    }
    const health = openapi.paths['/v1/accounts/{accountId}/health']?.['get'] as
      { parameters: { name: string }[]; responses: Record<string, unknown> } | undefined;
    expect(health?.parameters.map((p) => p.name)).toContain('asOf');
    expect(JSON.stringify(health?.responses['200'])).toContain('HealthAsOfDto');
  });

  it('keeps a draft out of the scoring, backtests it beside the published one, and publishes it', async () => {
    // A workspace of its own: the publication rescores it.
    const workspaceC = `ws_${randomUUID().slice(0, 8)}`;
    const [writeC, readC] = await Promise.all([
      issueToken(workspaceC, ['read', 'write']),
      issueToken(workspaceC, ['read']),
    ]);
    const scoreOf = async () =>
      (
        await db.query<{ score: string | null; scorecard_id: string | null }>(
          'SELECT score, scorecard_id FROM health_scoring.accounts WHERE workspace_id = $1 AND account_id = $2',
          [workspaceC, 'acct-c'],
        )
      )[0];
    await publisher.publish([
      testCustomerEvent(workspaceC, 'acct-c', new Date().toISOString(), { event: 'Signed In' }),
    ]);
    await waitFor(async () => ((await scoreOf())?.score != null ? true : undefined), {
      what: 'the account to be scored by the default scorecard',
    });
    const [defaults] = await scorecardsOf(writeC);
    const before = await scoreOf();
    expect(before!.scorecard_id).toBe(defaults!.id);

    // Only a draft may have no audience.
    const live = await api<Problems>(writeC, 'POST', '/v1/scorecards', {
      name: 'Busy',
      measures: [validMeasure],
    });
    expect([live.status, live.body.errors.map((e) => e.path)]).toEqual([400, ['segment']]);
    const draft = await api<Scorecard>(writeC, 'POST', '/v1/scorecards', {
      name: 'Busy (draft)',
      measures: [validMeasure],
      draft: true,
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({
      draft: true,
      isDefault: false,
      segment: null,
      touchModel: null,
      rescored: 0,
    });
    expect((await scorecardsOf(readC)).map((s) => [s.name, s.draft])).toEqual([
      [defaults!.name, false],
      ['Busy (draft)', true],
    ]);
    // It scores nothing: the account keeps the default's score.
    expect(await scoreOf()).toEqual(before);

    const compared = await api<{ comparison: { scorecardId: string } }>(
      readC,
      'POST',
      `/v1/scorecards/${defaults!.id}/backtest`,
      { from: '2025-01-01', to: '2025-12-31', outcome: 'churn', compareWith: draft.body.id },
    );
    expect([compared.status, compared.body.comparison.scorecardId]).toEqual([200, draft.body.id]);

    expect((await api(readC, 'POST', `/v1/scorecards/${draft.body.id}/publish`)).status).toBe(403);
    const published = await api<Scorecard>(writeC, 'POST', `/v1/scorecards/${draft.body.id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      id: defaults!.id,
      isDefault: true,
      draft: false,
      name: defaults!.name,
      version: defaults!.version + 1,
      rescored: 1,
    });
    expect(published.body.measures.map((m) => m.id)).toEqual([validMeasure.id]);
    // Rescored by the published measures before the answer: nobody signs in 1,000 times.
    const after = await scoreOf();
    expect([Number(after!.score), after!.scorecard_id]).toEqual([0, defaults!.id]);
    expect((await scorecardsOf(readC)).map((s) => s.id)).toEqual([defaults!.id]);
    expect((await api<Problems>(writeC, 'POST', `/v1/scorecards/${draft.body.id}/publish`)).status).toBe(404);
    const notDraft = await api<Problems>(writeC, 'POST', `/v1/scorecards/${defaults!.id}/publish`);
    expect([notDraft.status, notDraft.body.error]).toEqual([409, 'not_a_draft']);

    // A draft may take a live scorecard's audience, and goes live only once that one is gone.
    const tech = await api<Scorecard>(writeC, 'POST', '/v1/scorecards', { name: 'Tech', touchModel: 'tech' });
    const techDraft = await api<Scorecard>(writeC, 'POST', '/v1/scorecards', {
      name: 'Tech (draft)',
      touchModel: 'tech',
      measures: [validMeasure],
      draft: true,
    });
    expect([tech.status, techDraft.status]).toEqual([201, 201]);
    const taken = await api<Problems>(writeC, 'POST', `/v1/scorecards/${techDraft.body.id}/publish`);
    expect([taken.status, taken.body.error]).toEqual([409, 'scorecard_audience_taken']);
    expect((await api(writeC, 'DELETE', `/v1/scorecards/${tech.body.id}`)).status).toBe(204);
    const techLive = await api<Scorecard>(writeC, 'POST', `/v1/scorecards/${techDraft.body.id}/publish`);
    expect(techLive.body).toMatchObject({ id: techDraft.body.id, draft: false, touchModel: 'tech' });
    expect((await scoreOf())!.scorecard_id).toBe(techDraft.body.id);
  });

  it('round-trips the workspace settings, per workspace, and refuses invalid ones with their paths', async () => {
    const initial = await api<Record<string, unknown>>(tokenA, 'GET', '/v1/settings');
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({
      onboardingMilestones: [],
      keyFeatures: [],
      renewalWindowDays: 90,
      touchHighMrr: 5000,
      touchLowMrr: 500,
      updatedAt: null,
    });

    const settings = {
      onboardingMilestones: ['Invited Team', 'Connected Data'],
      keyFeatures: ['Report Exported', 'Dashboard Shared'],
      renewalWindowDays: 60,
      touchHighMrr: 10000,
      touchLowMrr: 1000,
    };
    const saved = await api<Record<string, unknown>>(tokenA, 'PUT', '/v1/settings', settings);
    expect(saved.status).toBe(200);
    // Every account of the workspace is rescored (the earlier tests made some).
    const n = (
      await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM health_scoring.accounts WHERE workspace_id = $1',
        [workspaceA],
      )
    )[0]!.n;
    expect(n).toBeGreaterThan(0);
    expect(saved.body).toMatchObject({ ...settings, rescored: n });
    const read = await api<Record<string, unknown>>(tokenA, 'GET', '/v1/settings');
    expect(read.body).toMatchObject(settings);
    expect(typeof read.body['updatedAt']).toBe('string');

    // PUT replaces the whole settings: what is left out is refused, never reset.
    const partial = await api<Problems>(tokenA, 'PUT', '/v1/settings', { keyFeatures: ['Report Exported'] });
    expect(partial.status).toBe(400);
    expect([...new Set(partial.body.errors.map((e) => e.path))].sort()).toEqual(
      ['onboardingMilestones', 'renewalWindowDays', 'touchHighMrr', 'touchLowMrr'].sort(),
    );
    expect((await api<Record<string, unknown>>(tokenA, 'GET', '/v1/settings')).body).toMatchObject(settings);

    const invalid = await api<Problems>(tokenA, 'PUT', '/v1/settings', {
      onboardingMilestones: [],
      renewalWindowDays: 400,
      touchHighMrr: 100,
      touchLowMrr: 200,
      keyFeatures: ['A', 'A'],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e) => e.path).sort()).toEqual(
      ['keyFeatures[1]', 'renewalWindowDays', 'touchHighMrr'].sort(),
    );
    const shape = await api<Problems>(tokenA, 'PUT', '/v1/settings', {
      ...settings,
      renewalWindowDays: 'soon',
      colour: 1,
    });
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e) => e.path).sort()).toEqual(['colour', 'renewalWindowDays']);

    expect((await api<Record<string, unknown>>(tokenB, 'GET', '/v1/settings')).body['updatedAt']).toBeNull();
    expect((await api(readOnlyA, 'PUT', '/v1/settings', settings)).status).toBe(403);
  });
});
