import { Evaluation } from '../../rules/domain/rule-evaluator';
import {
  AlertDecision,
  OpenAlertState,
  decide,
  inCooldown,
  manualTransition,
  snoozeOver,
} from './alert-lifecycle';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const met = (evidence: Record<string, number> = { days: 40 }): Evaluation => ({
  outcome: 'met',
  evidence,
  summary: 'No sign-in for 40 days',
});
const notMet: Evaluation = {
  outcome: 'not_met',
  evidence: { days: 1 },
  summary: 'Last sign-in 1 day(s) ago',
};
const noData: Evaluation = { outcome: 'no_data', reason: 'nobody signed in yet' };
const open = (evidence: Record<string, number> = { days: 40 }): OpenAlertState => ({
  status: 'open',
  evidence,
  snoozedUntil: null,
});

describe('decide', () => {
  const cases: {
    name: string;
    open: OpenAlertState | null;
    lastResolvedAt: string | null;
    evaluation: Evaluation;
    cooldown: number;
    expected: AlertDecision['kind'];
    why?: string;
  }[] = [
    {
      name: 'met, nothing open: raise',
      open: null,
      lastResolvedAt: null,
      evaluation: met(),
      cooldown: 60,
      expected: 'raise',
    },
    {
      name: 'met, open with the same figures: nothing',
      open: open(),
      lastResolvedAt: null,
      evaluation: met(),
      cooldown: 60,
      expected: 'none',
      why: 'unchanged',
    },
    {
      name: 'met, open with other figures: repeat',
      open: open({ days: 39 }),
      lastResolvedAt: null,
      evaluation: met({ days: 40 }),
      cooldown: 60,
      expected: 'repeat',
    },
    {
      name: 'met inside the cooldown: nothing',
      open: null,
      lastResolvedAt: minutesAgo(59),
      evaluation: met(),
      cooldown: 60,
      expected: 'none',
      why: 'cooldown',
    },
    {
      name: 'met exactly when the cooldown ends: raise',
      open: null,
      lastResolvedAt: minutesAgo(60),
      evaluation: met(),
      cooldown: 60,
      expected: 'raise',
    },
    {
      name: 'met with no cooldown right after a resolution: raise',
      open: null,
      lastResolvedAt: minutesAgo(0),
      evaluation: met(),
      cooldown: 0,
      expected: 'raise',
    },
    {
      name: 'cleared with an open alert: resolve',
      open: open(),
      lastResolvedAt: null,
      evaluation: notMet,
      cooldown: 60,
      expected: 'resolve',
    },
    {
      name: 'cleared with a snoozed alert: resolve',
      open: { status: 'snoozed', evidence: {}, snoozedUntil: minutesAgo(-60) },
      lastResolvedAt: null,
      evaluation: notMet,
      cooldown: 60,
      expected: 'resolve',
    },
    {
      name: 'cleared, nothing open: nothing',
      open: null,
      lastResolvedAt: null,
      evaluation: notMet,
      cooldown: 60,
      expected: 'none',
    },
    {
      name: 'no data never resolves',
      open: open(),
      lastResolvedAt: null,
      evaluation: noData,
      cooldown: 60,
      expected: 'none',
      why: 'no_data',
    },
    {
      name: 'no data never raises',
      open: null,
      lastResolvedAt: null,
      evaluation: noData,
      cooldown: 0,
      expected: 'none',
    },
  ];

  it.each(cases)('$name', (c) => {
    const decision = decide({
      open: c.open,
      lastResolvedAt: c.lastResolvedAt,
      evaluation: c.evaluation,
      cooldownMinutes: c.cooldown,
      now: NOW,
    });
    expect(decision.kind).toBe(c.expected);
    if (c.why) expect(decision).toMatchObject({ why: c.why });
    if (decision.kind === 'resolve') expect(decision.reason).toContain('Last sign-in 1 day(s) ago');
  });
});

describe('inCooldown and snoozeOver', () => {
  it.each([
    [null, 60, false],
    [minutesAgo(10), 60, true],
    [minutesAgo(60), 60, false],
    [minutesAgo(10), 0, false],
  ] as const)('resolved %s with a cooldown of %i minutes: %s', (at, minutes, expected) => {
    expect(inCooldown(at, minutes, NOW)).toBe(expected);
  });

  it.each([
    ['snoozed', minutesAgo(1), true],
    ['snoozed', minutesAgo(0), true],
    ['snoozed', minutesAgo(-1), false],
    ['open', minutesAgo(1), false],
  ] as const)('%s until %s is over: %s', (status, until, expected) => {
    expect(snoozeOver({ status, evidence: {}, snoozedUntil: until }, NOW)).toBe(expected);
  });
});

describe('manualTransition', () => {
  it.each([
    ['open', 'acknowledge', 'acknowledged'],
    ['snoozed', 'acknowledge', 'acknowledged'],
    ['acknowledged', 'acknowledge', null],
    ['open', 'snooze', 'snoozed'],
    ['acknowledged', 'snooze', 'snoozed'],
    ['snoozed', 'snooze', 'snoozed'],
    ['open', 'resolve', 'resolved'],
    ['acknowledged', 'resolve', 'resolved'],
    ['resolved', 'resolve', null],
    ['resolved', 'acknowledge', null],
    ['resolved', 'snooze', null],
  ] as const)('%s + %s → %s', (status, action, to) => {
    const t = manualTransition(status, action);
    if (to === null) expect(t.ok).toBe(false);
    else expect(t).toEqual({ ok: true, to });
  });
});
