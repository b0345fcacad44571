import { RunFacts } from './conditions';
import { PlaybookDefinition, Step } from './playbook-definition';
import { Decision, RunPosition, decide, positionAfter, predictRun, startPosition } from './run-machine';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

const facts = (over: Partial<RunFacts> = {}): RunFacts => ({
  segment: 'smb',
  touchModel: 'high',
  phase: 'adoption',
  band: 'red',
  score: 30,
  onboardingComplete: false,
  eventsSeen: new Map(),
  runStartedAt: at(-60_000),
  tasks: new Map(),
  alertResolved: false,
  ...over,
});

const playbook = (steps: Step[], exit: PlaybookDefinition['exit'] = []): PlaybookDefinition => ({
  name: 'test',
  description: null,
  enabled: true,
  trigger: { type: 'alert_raised', ruleType: 'score_below' },
  audience: {},
  steps,
  exit,
  holdoutPercent: 0,
});

const task: Step = { id: 'call', type: 'task', title: 'Call' };
const email: Step = { id: 'mail', type: 'email', subject: 's', body: 'b' };
const hook: Step = { id: 'hook', type: 'webhook', url: 'http://x', secrets: ['0123456789abcdef'] };
const notify: Step = { id: 'ping', type: 'notify', url: 'http://x', text: 't' };
const wait7: Step = { id: 'week', type: 'wait', duration: 'P7D' };
const waitEvent: Step = { id: 'watch', type: 'wait', until: { eventSeen: 'Signed In' }, timeout: 'PT1H' };
const waitTask: Step = { id: 'held', type: 'wait', until: { taskDone: 'call' } };
const branchGreen: Step = { id: 'recovered', type: 'branch', if: { bandIn: ['green'] }, then: 'end' };
const escalate: Step = { id: 'escalate', type: 'task', title: 'Escalate' };

describe('decide', () => {
  const cases: [string, PlaybookDefinition, RunPosition, RunFacts, Decision][] = [
    [
      'no step left completes',
      playbook([task]),
      { stepId: null, waitStartedAt: null },
      facts(),
      { kind: 'complete' },
    ],
    [
      'a task step is executed, then the next',
      playbook([task, wait7]),
      { stepId: 'call', waitStartedAt: null },
      facts(),
      { kind: 'execute', step: task as never, next: 'week' },
    ],
    [
      'an email step is executed',
      playbook([email]),
      { stepId: 'mail', waitStartedAt: null },
      facts(),
      { kind: 'execute', step: email as never, next: null },
    ],
    [
      'a webhook step is executed',
      playbook([hook, task]),
      { stepId: 'hook', waitStartedAt: null },
      facts(),
      { kind: 'execute', step: hook as never, next: 'call' },
    ],
    [
      'a notify step is executed',
      playbook([notify]),
      { stepId: 'ping', waitStartedAt: null },
      facts(),
      { kind: 'execute', step: notify as never, next: null },
    ],
    [
      'a duration wait starts with its deadline',
      playbook([wait7]),
      { stepId: 'week', waitStartedAt: null },
      facts(),
      { kind: 'wait_started', stepId: 'week', dueAt: at(7 * 86_400_000) },
    ],
    [
      'a duration wait before its time keeps waiting',
      playbook([wait7]),
      { stepId: 'week', waitStartedAt: at(-86_400_000) },
      facts(),
      { kind: 'waiting', stepId: 'week', dueAt: at(6 * 86_400_000) },
    ],
    [
      'a duration wait at its time is over',
      playbook([wait7, task]),
      { stepId: 'week', waitStartedAt: at(-7 * 86_400_000) },
      facts(),
      { kind: 'wait_over', stepId: 'week', outcome: 'succeeded', next: 'call' },
    ],
    [
      'a condition wait whose condition holds at once is over at once',
      playbook([waitEvent]),
      { stepId: 'watch', waitStartedAt: null },
      facts({ eventsSeen: new Map([['Signed In', at(-1000)]]) }),
      { kind: 'wait_over', stepId: 'watch', outcome: 'succeeded', next: null },
    ],
    [
      'an event seen before the run started does not count',
      playbook([waitEvent]),
      { stepId: 'watch', waitStartedAt: null },
      facts({ eventsSeen: new Map([['Signed In', at(-3_600_000)]]) }),
      { kind: 'wait_started', stepId: 'watch', dueAt: at(3_600_000) },
    ],
    [
      'a condition wait ends when the event comes',
      playbook([waitEvent]),
      { stepId: 'watch', waitStartedAt: at(-1000) },
      facts({ eventsSeen: new Map([['Signed In', at(-10)]]) }),
      { kind: 'wait_over', stepId: 'watch', outcome: 'succeeded', next: null },
    ],
    [
      'a condition wait times out',
      playbook([waitEvent, task]),
      { stepId: 'watch', waitStartedAt: at(-3_600_000) },
      facts(),
      { kind: 'wait_over', stepId: 'watch', outcome: 'timed_out', next: 'call' },
    ],
    [
      'a wait on a task without timeout waits for it alone',
      playbook([task, waitTask]),
      { stepId: 'held', waitStartedAt: at(-1000) },
      facts({ tasks: new Map([['call', 'open']]) }),
      { kind: 'waiting', stepId: 'held', dueAt: null },
    ],
    [
      'a skipped task does not release a taskDone wait',
      playbook([task, waitTask]),
      { stepId: 'held', waitStartedAt: at(-1000) },
      facts({ tasks: new Map([['call', 'skipped']]) }),
      { kind: 'waiting', stepId: 'held', dueAt: null },
    ],
    [
      'a done task releases the wait',
      playbook([task, waitTask]),
      { stepId: 'held', waitStartedAt: at(-1000) },
      facts({ tasks: new Map([['call', 'done']]) }),
      { kind: 'wait_over', stepId: 'held', outcome: 'succeeded', next: null },
    ],
    [
      'a branch whose condition holds takes then (end)',
      playbook([branchGreen, escalate]),
      { stepId: 'recovered', waitStartedAt: null },
      facts({ band: 'green' }),
      { kind: 'branched', stepId: 'recovered', taken: 'then', next: null },
    ],
    [
      'a branch whose condition fails takes else (the next step)',
      playbook([branchGreen, escalate]),
      { stepId: 'recovered', waitStartedAt: null },
      facts({ band: 'yellow' }),
      { kind: 'branched', stepId: 'recovered', taken: 'else', next: 'escalate' },
    ],
    [
      'an unknown band fails a band condition',
      playbook([branchGreen, escalate]),
      { stepId: 'recovered', waitStartedAt: null },
      facts({ band: null }),
      { kind: 'branched', stepId: 'recovered', taken: 'else', next: 'escalate' },
    ],
    [
      'a branch jumps to a named step',
      playbook([{ id: 'b', type: 'branch', if: { scoreBelow: 50 }, then: 'escalate' }, task, escalate]),
      { stepId: 'b', waitStartedAt: null },
      facts({ score: 49.9 }),
      { kind: 'branched', stepId: 'b', taken: 'then', next: 'escalate' },
    ],
    [
      'a score at the threshold is not below it',
      playbook([{ id: 'b', type: 'branch', if: { scoreBelow: 50 }, then: 'escalate' }, task, escalate]),
      { stepId: 'b', waitStartedAt: null },
      facts({ score: 50 }),
      { kind: 'branched', stepId: 'b', taken: 'else', next: 'call' },
    ],
    [
      'the alert resolved exits a run with that exit condition',
      playbook([wait7], [{ alertResolved: true }]),
      { stepId: 'week', waitStartedAt: at(-1000) },
      facts({ alertResolved: true }),
      { kind: 'exit', reason: 'exit condition 1 met' },
    ],
    [
      'band green exits before any step',
      playbook([task], [{ scoreBelow: 10 }, { bandIn: ['green'] }]),
      { stepId: 'call', waitStartedAt: null },
      facts({ band: 'green' }),
      { kind: 'exit', reason: 'exit condition 2 met' },
    ],
    [
      'an exit condition that does not hold lets the run go on',
      playbook([task], [{ bandIn: ['green'] }]),
      { stepId: 'call', waitStartedAt: null },
      facts({ band: 'yellow' }),
      { kind: 'execute', step: task as never, next: null },
    ],
    [
      'a step missing from the version exits the run',
      playbook([task]),
      { stepId: 'gone', waitStartedAt: null },
      facts(),
      { kind: 'exit', reason: 'step gone is not in the playbook version' },
    ],
    [
      'a zero wait is over at once',
      playbook([{ id: 'z', type: 'wait', duration: 'PT0S' }]),
      { stepId: 'z', waitStartedAt: null },
      facts(),
      { kind: 'wait_over', stepId: 'z', outcome: 'succeeded', next: null },
    ],
  ];

  it.each(cases)('%s', (_name, definition, position, runFacts, expected) => {
    expect(decide(definition, position, runFacts, NOW)).toEqual(expected);
  });
});

describe('positionAfter and a whole run', () => {
  it('moves to the next step after an execution and records the wait start', () => {
    const p = startPosition(playbook([task, wait7]));
    expect(p).toEqual({ stepId: 'call', waitStartedAt: null });
    const afterTask = positionAfter(p, decide(playbook([task, wait7]), p, facts(), NOW), NOW);
    expect(afterTask).toEqual({ stepId: 'week', waitStartedAt: null });
    const waiting = positionAfter(afterTask, decide(playbook([task, wait7]), afterTask, facts(), NOW), NOW);
    expect(waiting).toEqual({ stepId: 'week', waitStartedAt: NOW.toISOString() });
  });

  it('walks the adoption-risk shape to completion, visiting each step once', () => {
    const definition = playbook([task, wait7, branchGreen, escalate]);
    let position = startPosition(definition);
    const seen: string[] = [];
    let clock = NOW;
    for (let i = 0; i < 20; i++) {
      const d = decide(definition, position, facts({ band: 'yellow' }), clock);
      if (d.kind === 'complete') break;
      if (d.kind === 'waiting') {
        clock = new Date(Date.parse(d.dueAt!));
        continue;
      }
      seen.push(`${d.kind}:${'step' in d ? d.step.id : 'stepId' in d ? d.stepId : ''}`);
      position = positionAfter(position, d, clock);
    }
    expect(seen).toEqual([
      'execute:call',
      'wait_started:week',
      'wait_over:week',
      'branched:recovered',
      'execute:escalate',
    ]);
  });
});

describe('predictRun', () => {
  it('walks a definition on the current facts without waiting', () => {
    const predicted = predictRun(playbook([task, wait7, branchGreen, escalate]), facts({ band: 'green' }));
    expect(predicted.ending).toBe('completed');
    expect(predicted.steps.map((s) => s.stepId)).toEqual(['call', 'week', 'recovered']);
  });

  it('stops at an exit condition that holds now', () => {
    expect(predictRun(playbook([task], [{ bandIn: ['red'] }]), facts())).toEqual({
      steps: [],
      ending: 'exited',
      reason: 'exit condition 1 holds now',
    });
  });
});
