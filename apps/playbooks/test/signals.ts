import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type {
  AccountUpdatedData,
  AlertEventData,
  AlertRuleType,
  AnyEventEnvelope,
  EventEnvelope,
  HealthBand,
  LifecyclePhase,
  TouchModel,
} from '@tsuzuku/contracts';
import { testEnvelope } from '@tsuzuku/platform-testing';

/** An account.updated envelope as health-scoring publishes it. */
export function accountUpdated(
  workspaceId: string,
  accountId: string,
  profile: {
    name?: string;
    csmEmail?: string | null;
    band?: HealthBand;
    score?: number;
    touchModel?: TouchModel;
    segment?: string;
    renewalDate?: string | null;
    phase?: LifecyclePhase;
    mrr?: number | null;
  } = {},
): EventEnvelope<'account.updated', AccountUpdatedData> {
  const now = new Date().toISOString();
  return testEnvelope(
    'account.updated',
    workspaceId,
    accountId,
    {
      name: profile.name ?? accountId,
      plan: 'pro',
      mrr: profile.mrr === undefined ? 500 : profile.mrr,
      seats: 10,
      renewalDate: profile.renewalDate ?? null,
      csmEmail: profile.csmEmail ?? null,
      segment: profile.segment ?? 'smb',
      industry: null,
      phase: profile.phase ?? 'adoption',
      touchModel: profile.touchModel ?? 'high',
      firstSeenAt: now,
      lastSeenAt: now,
      health: {
        score: profile.score ?? 30,
        band: profile.band ?? 'red',
        computedScore: profile.score ?? 30,
        coverage: 1,
        scorecardId: null,
        override: null,
      },
      signals: {
        asOf: now,
        metrics: { onboarding_completion: 0.5 },
        lastSignInAt: null,
        activeUsers7d: 1,
        activeUsersPrev7d: 1,
        activeUsers30d: 2,
        events7d: 3,
        eventsPrev7d: 3,
        ticketDays: [],
        latestNps: null,
        onboardingCompletedAt: null,
      },
    },
    now,
  );
}

/** An alert envelope as alerting publishes it. */
export function alertEvent(
  type: 'alert.raised' | 'alert.resolved',
  workspaceId: string,
  accountId: string,
  ruleType: AlertRuleType,
  alertId: string = randomUUID(),
  owner: string | null = null,
): EventEnvelope<'alert.raised' | 'alert.resolved', AlertEventData> {
  const now = new Date().toISOString();
  const resolved = type === 'alert.resolved';
  return testEnvelope(
    type,
    workspaceId,
    accountId,
    {
      alertId,
      ruleId: `rule-${ruleType}`,
      ruleType,
      ruleName: ruleType,
      severity: 'high',
      status: resolved ? 'resolved' : 'open',
      positive: ruleType === 'expansion_signal',
      owner,
      title: `${ruleType} on ${accountId}`,
      evidence: {},
      occurrences: 1,
      openedAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: now,
      resolvedAt: resolved ? now : null,
      resolution: resolved ? { kind: 'auto', reason: 'condition cleared', by: null, note: null } : null,
      change: resolved ? 'resolved' : 'raised',
    },
    now,
  );
}

export const asAny = (e: EventEnvelope<string, unknown>) => e as unknown as AnyEventEnvelope;

/**
 * An alert as the pipeline delivers it: alerting alerts only on accounts health-scoring has
 * profiled, so the account's account.updated comes with it (a trigger waits for the profile).
 */
export function profiledAlert(
  workspaceId: string,
  accountId: string,
  ruleType: AlertRuleType,
  alertId: string = randomUUID(),
): AnyEventEnvelope[] {
  return [
    asAny(accountUpdated(workspaceId, accountId)),
    asAny(alertEvent('alert.raised', workspaceId, accountId, ruleType, alertId)),
  ];
}

/** One request a local receiver got. */
export interface Received {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records every request; `status` decides the answer. */
export async function startReceiver(status: (r: Received) => number = () => 200): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      res.statusCode = status(r);
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
