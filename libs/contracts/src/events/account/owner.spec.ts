import { checkEnvelope } from '../../envelope-validator';
import { AccountUpdatedData, accountOwnerOf } from './value';

const signals = {
  asOf: '2026-11-01T10:00:00.000Z',
  metrics: {},
  lastSignInAt: null,
  activeUsers7d: 0,
  activeUsersPrev7d: 0,
  activeUsers30d: 0,
  events7d: 0,
  eventsPrev7d: 0,
  ticketDays: [],
  latestNps: null,
  onboardingCompletedAt: null,
};

function accountUpdated(owner: Record<string, unknown>) {
  return {
    specVersion: 1,
    id: 'evt-1',
    type: 'account.updated',
    workspaceId: 'ws_1',
    accountId: 'acc_1',
    occurredAt: '2026-11-01T10:00:00.000Z',
    producedAt: '2026-11-01T10:00:01.000Z',
    source: 'health-scoring',
    correlationId: 'corr-1',
    causationId: null,
    data: {
      name: 'Acme',
      plan: null,
      mrr: null,
      seats: null,
      renewalDate: null,
      segment: null,
      industry: null,
      phase: 'adoption',
      touchModel: 'tech',
      firstSeenAt: '2026-10-01T10:00:00.000Z',
      lastSeenAt: null,
      health: {
        score: null,
        band: null,
        computedScore: null,
        coverage: 0,
        scorecardId: null,
        override: null,
      },
      signals,
      ...owner,
    },
  };
}

describe("account.updated's owner", () => {
  it.each([
    ['owner', { owner: 'ana@example.com' }, 'ana@example.com'],
    ['owner null', { owner: null }, null],
    ['the former csmEmail (messages of the history)', { csmEmail: 'bo@example.com' }, 'bo@example.com'],
    ['owner over a csmEmail beside it', { owner: null, csmEmail: 'bo@example.com' }, null],
  ])('is accepted and read under %s', (_label, fields, expected) => {
    const result = checkEnvelope(accountUpdated(fields));
    expect(result.ok).toBe(true);
    if (result.ok) expect(accountOwnerOf(result.envelope.data as AccountUpdatedData)).toBe(expected);
  });

  it('is required under one of its names', () => {
    const result = checkEnvelope(accountUpdated({}));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations.map((v) => v.path)).toContain('/data');
  });
});
