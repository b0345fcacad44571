import type { SegmentCall } from '@tsuzuku/contracts';
import { accountNamedBy, actorOf } from './account-of';

describe('accountNamedBy', () => {
  it.each<[string, SegmentCall, string | null]>([
    [
      'a group call: its groupId',
      { type: 'group', groupId: 'acc-1', userId: 'u', context: { groupId: 'other' } },
      'acc-1',
    ],
    [
      'context.groupId first',
      {
        type: 'track',
        event: 'x',
        userId: 'u',
        context: { groupId: 'acc-2' },
        properties: { groupId: 'acc-3' },
      },
      'acc-2',
    ],
    [
      'then properties.groupId',
      { type: 'track', event: 'x', userId: 'u', properties: { groupId: 'acc-3' } },
      'acc-3',
    ],
    ['none named', { type: 'identify', userId: 'u', traits: {} }, null],
    [
      'an empty groupId is no account',
      { type: 'track', event: 'x', userId: 'u', context: { groupId: '' } },
      null,
    ],
  ])('%s', (_label, call, expected) => {
    expect(accountNamedBy(call)).toBe(expected);
  });
});

describe('actorOf', () => {
  it('prefers the userId, then the anonymousId', () => {
    expect(actorOf({ type: 'track', userId: 'u', anonymousId: 'a' })).toBe('u');
    expect(actorOf({ type: 'track', userId: null, anonymousId: 'a' })).toBe('a');
    expect(actorOf({ type: 'track' })).toBeNull();
  });
});
