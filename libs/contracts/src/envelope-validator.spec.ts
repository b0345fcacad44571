import { checkEnvelope, parseEnvelope } from './envelope-validator';
import { messageKey } from './envelope';
import { MAX_DEPTH, tooDeep } from './segment-spec/segment-call.validator';

function validEnvelope(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specVersion: 1,
    id: 'evt-1',
    type: 'customer.event.recorded',
    workspaceId: 'ws_1',
    accountId: 'acc_1',
    occurredAt: '2026-11-01T10:00:00.000Z',
    producedAt: '2026-11-01T10:00:01.000Z',
    source: 'ingestion',
    correlationId: 'corr-1',
    causationId: null,
    data: {
      call: 'track',
      messageId: 'm-1',
      event: 'Signed In',
      userId: 'u1',
      anonymousId: null,
      properties: {},
      traits: {},
      context: {},
      timestamp: '2026-11-01T10:00:00.000Z',
      receivedAt: '2026-11-01T10:00:00.500Z',
      sentAt: null,
      originalTimestamp: null,
      ...data,
    },
    ...overrides,
  };
}

describe('checkEnvelope', () => {
  it('accepts an envelope that follows its contract', () => {
    const result = checkEnvelope(validEnvelope());
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a missing workspaceId', { workspaceId: undefined }, {}, '/workspaceId'],
    ['a wrong spec version', { specVersion: 2 }, {}, '/specVersion'],
    ['an occurredAt that is not a date-time', { occurredAt: 'yesterday' }, {}, '/occurredAt'],
    ['an unknown event type', { type: 'no.such.event' }, {}, '/type'],
    ['a data call type outside the Segment spec', {}, { call: 'delete' }, '/data/call'],
    ['data properties that are not an object', {}, { properties: 'x' }, '/data/properties'],
    ['a backfill flag that is not a boolean', {}, { backfill: 'yes' }, '/data/backfill'],
  ])('refuses %s and names the field', (_label, overrides, data, path) => {
    const result = checkEnvelope(JSON.parse(JSON.stringify(validEnvelope(overrides, data))));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations.map((v) => v.path)).toContain(path);
  });
});

describe('checkEnvelope on state time (asOf, backfill)', () => {
  const healthChanged = (data: Record<string, unknown>) => ({
    ...validEnvelope({ type: 'account.health.changed', source: 'health-scoring' }),
    data: {
      previous: null,
      current: { score: 30, band: 'red', computedScore: 30, coverage: 1, scorecardId: null, override: null },
      reason: 'backfill',
      movers: [],
      ...data,
    },
  });

  it('accepts a past state and a message that predates the fields', () => {
    expect(checkEnvelope(healthChanged({ asOf: '2026-06-01T23:59:59.999Z', backfill: true })).ok).toBe(true);
    expect(checkEnvelope(healthChanged({})).ok).toBe(true);
  });

  it.each([
    ['an asOf that is not a date-time', { asOf: 'last June' }, '/data/asOf'],
    ['a backfill flag that is not a boolean', { backfill: 1 }, '/data/backfill'],
  ])('refuses %s and names the field', (_label, data, path) => {
    const result = checkEnvelope(healthChanged(data));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations.map((v) => v.path)).toContain(path);
  });
});

describe('parseEnvelope', () => {
  it('refuses bytes that are not JSON', () => {
    const result = parseEnvelope(Buffer.from('{not json'));
    expect(result).toMatchObject({
      ok: false,
      violations: [{ path: '', message: expect.stringMatching(/^not JSON/) }],
    });
  });

  it('refuses a message without a value', () => {
    expect(parseEnvelope(null).ok).toBe(false);
  });

  it.each([
    ['a NUL in a property', '{"note":"a\\u0000b"}', 'data.properties.note', /NUL/],
    ['an unpaired surrogate in a key', '{"\\ud800":1}', 'data.properties.\ud800', /unpaired surrogate/],
  ])('refuses %s, which Postgres cannot store, naming its path', (_label, properties, path, message) => {
    const json = JSON.stringify(validEnvelope()).replace('"properties":{}', `"properties":${properties}`);
    const result = parseEnvelope(Buffer.from(json));
    expect(result).toEqual({ ok: false, violations: [{ path, message: expect.stringMatching(message) }] });
  });

  it('refuses nesting deeper than a Segment call may hold, and accepts it up to that depth', () => {
    const nested = (levels: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = { x: value };
      return value as Record<string, unknown>;
    };
    // As deep as a call's properties may be at ingestion (tooDeep), one level down under `data`.
    expect(tooDeep({ properties: nested(MAX_DEPTH - 1) })).toBeNull();
    expect(tooDeep({ properties: nested(MAX_DEPTH) })).not.toBeNull();
    const ok = checkEnvelope(validEnvelope({}, { properties: nested(MAX_DEPTH - 1) }));
    expect(ok.ok).toBe(true);
    const deep = checkEnvelope(validEnvelope({}, { properties: nested(MAX_DEPTH) }));
    expect(deep).toMatchObject({
      ok: false,
      violations: [{ message: expect.stringMatching(/nested too deeply/) }],
    });
  });

  it('parses what JSON.stringify wrote', () => {
    const result = parseEnvelope(Buffer.from(JSON.stringify(validEnvelope())));
    expect(result.ok && result.envelope.accountId).toBe('acc_1');
  });
});

describe('messageKey', () => {
  it('keys by workspace and account so one account stays on one partition', () => {
    expect(messageKey('ws', 'acc')).toBe('ws:acc');
  });
  it('keys an event without an account by its user', () => {
    expect(messageKey('ws', null, 'u1')).toBe('ws:~u1');
  });
  it('falls back to the workspace alone', () => {
    expect(messageKey('ws', null, null)).toBe('ws');
  });
});
