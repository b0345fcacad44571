import { BUILT_IN_TEMPLATES } from './built-in-templates';
import { validateDefinition } from './definition-validation';

const valid = {
  name: 'Adoption check',
  trigger: { type: 'alert_raised', ruleType: 'usage_drop' },
  audience: { touchModels: ['high'], bands: ['red', 'yellow'] },
  steps: [
    { id: 'call', type: 'task', title: 'Call {{account.name}}', dueIn: 'P1D', priority: 'high' },
    { id: 'wait', type: 'wait', until: { taskDone: 'call' }, timeout: { days: 3 } },
    { id: 'check', type: 'branch', if: { bandIn: ['green'] }, then: 'end', else: 'hook' },
    { id: 'mail', type: 'email', subject: 'Hello {{contact.email}}', body: 'Body' },
    {
      id: 'hook',
      type: 'webhook',
      url: 'https://hooks.example.com/x',
      secrets: ['0123456789abcdef', 'fedcba9876543210'],
    },
    {
      id: 'slack',
      type: 'notify',
      url: 'https://hooks.slack.com/services/x',
      text: '{{account.name}} is at risk',
    },
  ],
  exit: [{ alertResolved: true }],
  holdoutPercent: 10,
};

const withStep = (i: number, step: unknown) => ({
  ...valid,
  steps: valid.steps.map((s, j) => (j === i ? step : s)),
});

describe('validateDefinition', () => {
  it('accepts a full definition and fills defaults', () => {
    const result = validateDefinition(valid);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.definition).toMatchObject({ enabled: true, description: null, holdoutPercent: 10 });
    const minimal = validateDefinition({ name: 'x', trigger: { type: 'subscription_started' }, steps: [] });
    expect(minimal).toEqual({
      ok: true,
      definition: {
        name: 'x',
        description: null,
        enabled: true,
        trigger: { type: 'subscription_started' },
        audience: {},
        steps: [],
        exit: [],
        holdoutPercent: 0,
      },
    });
  });

  it('accepts an alert trigger by rule ids, with or without a rule type, and segments', () => {
    const id = '6f1c7a52-2f0e-4a8e-9d3b-0c1e2a3b4c5d';
    for (const trigger of [
      { type: 'alert_raised', ruleIds: [id] },
      { type: 'alert_raised', ruleType: 'score_below', ruleIds: [id], segments: ['Enterprise'] },
      { type: 'alert_raised', ruleType: 'score_below', segments: ['smb'] },
    ])
      expect(validateDefinition({ ...valid, trigger })).toMatchObject({ ok: true, definition: { trigger } });
  });

  const cases: [string, unknown, string[]][] = [
    ['not an object', [], ['']],
    ['unknown top-level field', { ...valid, colour: 'red' }, ['colour']],
    ['missing name and steps', { trigger: valid.trigger }, ['name', 'steps']],
    ['unknown trigger type', { ...valid, trigger: { type: 'moon_phase' } }, ['trigger.type']],
    [
      'alert trigger without rule type',
      { ...valid, trigger: { type: 'alert_raised' } },
      ['trigger.ruleType'],
    ],
    [
      'alert trigger with rule ids that are not ids, and segments that are not strings',
      { ...valid, trigger: { type: 'alert_raised', ruleIds: ['r-1', 7], segments: [''] } },
      ['trigger.ruleIds[0]', 'trigger.ruleIds[1]', 'trigger.segments[0]'],
    ],
    [
      'alert trigger with an empty rule id list and no type',
      { ...valid, trigger: { type: 'alert_raised', ruleIds: [] } },
      ['trigger.ruleIds'],
    ],
    [
      'renewal days out of range',
      { ...valid, trigger: { type: 'days_before_renewal', days: -1 } },
      ['trigger.days'],
    ],
    [
      'field of another trigger type',
      { ...valid, trigger: { type: 'phase_changed', to: 'renewal', days: 3 } },
      ['trigger.days'],
    ],
    ['bad schedule', { ...valid, trigger: { type: 'schedule', every: 'quarterly' } }, ['trigger.every']],
    [
      'bad audience values',
      { ...valid, audience: { touchModels: ['medium'], bands: 'red' } },
      ['audience.touchModels[0]', 'audience.bands'],
    ],
    ['duplicate step ids', withStep(1, { id: 'call', type: 'task', title: 't' }), ['steps[1].id']],
    [
      'step id "end"',
      withStep(0, { id: 'end', type: 'task', title: 't' }),
      ['steps[0].id', 'steps[1].until.taskDone'],
    ],
    ['unknown step type', withStep(3, { id: 'mail', type: 'sms' }), ['steps[3].type']],
    [
      'task without title, bad priority and assignee',
      withStep(0, { id: 'call', type: 'task', priority: 'asap', assignee: 'bob' }),
      ['steps[0].title', 'steps[0].priority', 'steps[0].assignee'],
    ],
    [
      'task with a bad owner',
      withStep(0, { id: 'call', type: 'task', title: 't', owner: 'bob' }),
      ['steps[0].owner'],
    ],
    [
      'task with both owner and assignee',
      withStep(0, { id: 'call', type: 'task', title: 't', owner: 'account', assignee: 'manager' }),
      ['steps[0].assignee'],
    ],
    [
      'task with both dueIn and dueInDays',
      withStep(0, { id: 'call', type: 'task', title: 't', dueIn: 'P1D', dueInDays: 1 }),
      ['steps[0].dueInDays'],
    ],
    ['wait with neither duration nor until', withStep(1, { id: 'wait', type: 'wait' }), ['steps[1]']],
    [
      'wait with both',
      withStep(1, { id: 'wait', type: 'wait', duration: 'P1D', until: { bandIn: ['green'] } }),
      ['steps[1]'],
    ],
    [
      'timeout on a duration wait',
      withStep(1, { id: 'wait', type: 'wait', duration: 'P1D', timeout: 'P2D' }),
      ['steps[1].timeout'],
    ],
    ['month durations', withStep(1, { id: 'wait', type: 'wait', duration: 'P1M' }), ['steps[1].duration']],
    ['empty condition', withStep(1, { id: 'wait', type: 'wait', until: {} }), ['steps[1].until']],
    [
      'taskDone naming a non-task step',
      withStep(1, { id: 'wait', type: 'wait', until: { taskDone: 'mail' } }),
      ['steps[1].until.taskDone'],
    ],
    [
      'branch backwards',
      withStep(2, { id: 'check', type: 'branch', if: { bandIn: ['green'] }, then: 'call' }),
      ['steps[2].then'],
    ],
    [
      'branch to nowhere',
      withStep(2, { id: 'check', type: 'branch', if: { scoreBelow: 101 }, else: 'nowhere' }),
      ['steps[2].if.scoreBelow', 'steps[2].else'],
    ],
    [
      'email with an unknown placeholder',
      withStep(3, { id: 'mail', type: 'email', subject: '{{account.password}}', body: 'b' }),
      ['steps[3].subject'],
    ],
    [
      'webhook with a bad url and short secret',
      withStep(4, { id: 'hook', type: 'webhook', url: 'ftp://x', secrets: ['short'] }),
      ['steps[4].url', 'steps[4].secrets[0]'],
    ],
    [
      'webhook with three secrets',
      withStep(4, {
        id: 'hook',
        type: 'webhook',
        url: 'https://x.example',
        secrets: ['0123456789abcdef', '0123456789abcdef', '0123456789abcdef'],
      }),
      ['steps[4].secrets'],
    ],
    [
      'notify without text',
      withStep(5, { id: 'slack', type: 'notify', url: 'https://x.example' }),
      ['steps[5].text'],
    ],
    ['exit not a list', { ...valid, exit: { alertResolved: true } }, ['exit']],
    ['exit with an unknown condition', { ...valid, exit: [{ moon: true }] }, ['exit[0].moon']],
    ['holdout over 100', { ...valid, holdoutPercent: 150 }, ['holdoutPercent']],
  ];

  it.each(cases)('%s', (_name, input, paths) => {
    const result = validateDefinition(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(paths);
  });

  it('refuses the webhook and notify URLs its URL policy refuses, with the policy saying why', () => {
    const policy = (url: string) =>
      new URL(url).hostname.startsWith('10.') ? 'address is not allowed' : null;
    const input = {
      ...valid,
      steps: valid.steps.map((s) =>
        s.type === 'webhook' || s.type === 'notify' ? { ...s, url: 'http://10.0.0.1/x' } : s,
      ),
    };
    const result = validateDefinition(input, policy);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: 'steps[4].url', message: 'address is not allowed' },
        { path: 'steps[5].url', message: 'address is not allowed' },
      ],
    });
    expect(validateDefinition(valid, policy).ok).toBe(true);
  });
});

describe('built-in templates', () => {
  it.each(BUILT_IN_TEMPLATES.map((t) => [t.key, t] as const))(
    '%s is a valid definition',
    (_key, template) => {
      const result = validateDefinition(template.definition);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.definition).toEqual(template.definition);
    },
  );

  it('has one template per key', () => {
    expect(new Set(BUILT_IN_TEMPLATES.map((t) => t.key)).size).toBe(BUILT_IN_TEMPLATES.length);
  });
});
