import { PlaybookDefinition } from './playbook-definition';
import { maskDefinition, maskSecret, unmaskSecrets } from './secret-masking';

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

  it('puts back masked secrets of the same step and keeps new ones', () => {
    const sent = {
      ...maskDefinition(definition),
      steps: [{ ...maskDefinition(definition).steps[0], secrets: ['whsec_brand_new_003', '••••0001'] }],
    };
    expect((unmaskSecrets(sent, definition) as PlaybookDefinition).steps[0]).toMatchObject({
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
    expect(unmaskSecrets(sent, definition)).toEqual(sent);
  });

  it('leaves what is not a definition alone', () => {
    expect(unmaskSecrets([1], definition)).toEqual([1]);
    expect(unmaskSecrets({ steps: 'x' }, definition)).toEqual({ steps: 'x' });
  });
});
