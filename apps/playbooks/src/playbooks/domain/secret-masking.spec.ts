import { PlaybookDefinition } from './playbook-definition';
import { maskDefinition, maskSecret, unmaskDefinition } from './secret-masking';

const definition: PlaybookDefinition = {
  name: 'hooks',
  description: null,
  enabled: true,
  trigger: { type: 'subscription_started' },
  audience: {},
  steps: [
    {
      id: 'hook',
      type: 'webhook',
      url: 'https://x.example',
      secrets: ['whsec_current_0001', 'whsec_previous_002'],
    },
    { id: 'call', type: 'task', title: 'Call' },
    { id: 'ping', type: 'notify', url: 'https://hooks.slack.com/services/T0/B0/SECRETPATH', text: 'hi' },
    {
      id: 'tokened',
      type: 'webhook',
      url: 'https://bob:pw-77@h.example/in?token=tok-55',
      secrets: ['whsec_third_000003'],
    },
  ],
  exit: [],
  holdoutPercent: 0,
};

describe('webhook secret masking', () => {
  it('shows only the last four characters', () => {
    expect(maskSecret('whsec_current_0001')).toBe('••••0001');
    const masked = maskDefinition(definition);
    expect(masked.steps[0]).toMatchObject({ secrets: ['••••0001', '••••_002'] });
    expect(masked.steps[1]).toBe(definition.steps[1]);
  });

  it('masks webhook URL credentials and query values, and the path of a notify URL', () => {
    const masked = maskDefinition(definition);
    expect(masked.steps.map((s) => ('url' in s ? s.url : null))).toEqual([
      'https://x.example/',
      null,
      'https://hooks.slack.com/••••',
      'https://••••@h.example/in?token=••••',
    ]);
    for (const secret of ['SECRETPATH', 'pw-77', 'tok-55'])
      expect(JSON.stringify(masked)).not.toContain(secret);
  });

  it('puts back the masked URLs of the same step as read', () => {
    const read = maskDefinition(definition);
    const back = unmaskDefinition(read, definition) as PlaybookDefinition;
    expect(back.steps.map((s) => ('url' in s ? s.url : null))).toEqual(
      definition.steps.map((s) => ('url' in s ? s.url : null)),
    );
    // Another step's mask, or a step whose type changed, gets nothing back.
    const swapped = {
      steps: [
        { id: 'ping', type: 'webhook', url: read.steps[3]!.type === 'webhook' ? read.steps[3]!.url : '' },
        { id: 'tokened', type: 'notify', url: 'https://••••@h.example/in?token=••••', text: 'x' },
      ],
    };
    expect(unmaskDefinition(swapped, definition)).toEqual(swapped);
  });

  it('puts back masked secrets of the same step and keeps new ones', () => {
    const sent = {
      ...maskDefinition(definition),
      steps: [{ ...maskDefinition(definition).steps[0], secrets: ['whsec_brand_new_003', '••••0001'] }],
    };
    expect((unmaskDefinition(sent, definition) as PlaybookDefinition).steps[0]).toMatchObject({
      secrets: ['whsec_brand_new_003', 'whsec_current_0001'],
    });
  });

  it('does not take a secret from another step or one that does not match', () => {
    const sent = {
      steps: [
        { id: 'other', type: 'webhook', secrets: ['••••0001'] },
        { id: 'hook', type: 'webhook', secrets: ['••••9999'] },
      ],
    };
    expect(unmaskDefinition(sent, definition)).toEqual(sent);
  });

  it('leaves what is not a definition alone', () => {
    expect(unmaskDefinition([1], definition)).toEqual([1]);
    expect(unmaskDefinition({ steps: 'x' }, definition)).toEqual({ steps: 'x' });
  });
});
