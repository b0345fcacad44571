import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { checkSegmentCall, tooDeep } from './segment-call.validator';
import { MAX_AMOUNT, MAX_COUNT, SegmentCallType } from './segment-call.schema';
import {
  CALL_CLASSES,
  CsatSurveyResponse,
  NpsSurveyResponse,
  SubscriptionEvent,
  TicketEvent,
} from './segment-call.classes';

const paths = (value: unknown, type?: SegmentCallType) => {
  const result = checkSegmentCall(value, type);
  return result.ok ? [] : result.problems.map((p) => p.path);
};

describe('checkSegmentCall: call types', () => {
  it.each<[string, unknown, SegmentCallType | undefined]>([
    ['track', { userId: 'u', event: 'Signed In' }, 'track'],
    ['identify by anonymousId', { anonymousId: 'a', traits: { email: 'x@y.z' } }, 'identify'],
    [
      'group',
      {
        userId: 'u',
        groupId: 'acc',
        traits: { name: 'Acme', mrr: 1200, seats: 20, csm_email: 'csm@acme.io', renewal_date: '2027-01-31' },
      },
      'group',
    ],
    ['page', { userId: 'u', name: 'Home' }, 'page'],
    ['screen', { anonymousId: 'a' }, 'screen'],
    ['alias', { userId: 'u', previousId: 'anon' }, 'alias'],
    [
      'a batch item naming its type',
      { type: 'track', userId: 'u', event: 'x', timestamp: '2026-11-20T10:00:00+02:00' },
      undefined,
    ],
    ['extra fields are kept', { userId: 'u', event: 'x', custom: { a: 1 } }, 'track'],
  ])('accepts %s', (_label, call, type) => {
    expect(checkSegmentCall(call, type)).toMatchObject({ ok: true });
  });

  it.each<[string, unknown, SegmentCallType | undefined, string[]]>([
    ['no userId nor anonymousId', { event: 'x' }, 'track', ['userId']],
    ['a numeric userId', { userId: 42, event: 'x' }, 'track', ['userId']],
    ['track without event', { userId: 'u' }, 'track', ['event']],
    ['group without groupId', { userId: 'u' }, 'group', ['groupId']],
    ['alias without previousId', { userId: 'u' }, 'alias', ['previousId']],
    ['a batch item without type', { userId: 'u', event: 'x' }, undefined, ['type']],
    ['a batch item with an unknown type', { type: 'delete', userId: 'u' }, undefined, ['type']],
    [
      'a type that disagrees with the endpoint',
      { type: 'identify', userId: 'u', event: 'x' },
      'track',
      ['type'],
    ],
    [
      'a timestamp that is not ISO-8601',
      { userId: 'u', event: 'x', timestamp: 'yesterday' },
      'track',
      ['timestamp'],
    ],
    ['a month 13', { userId: 'u', event: 'x', sentAt: '2026-13-01T00:00:00Z' }, 'track', ['sentAt']],
    ['properties as an array', { userId: 'u', event: 'x', properties: [1] }, 'track', ['properties']],
    ['context as null', { userId: 'u', event: 'x', context: null }, 'track', ['context']],
    [
      'an empty context.groupId',
      { userId: 'u', event: 'x', context: { groupId: '' } },
      'track',
      ['context.groupId'],
    ],
    [
      'an empty properties.groupId',
      { userId: 'u', event: 'x', properties: { groupId: '' } },
      'track',
      ['properties.groupId'],
    ],
    ['an event name over 200 characters', { userId: 'u', event: 'e'.repeat(201) }, 'track', ['event']],
    ['not an object', [1, 2], 'track', ['']],
  ])('refuses %s', (_label, call, type, expected) => {
    expect(paths(call, type)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    expect(paths({ userId: 5, timestamp: 'x', properties: 'y' }, 'track').sort()).toEqual([
      'event',
      'properties',
      'timestamp',
      'userId',
    ]);
  });
});

describe('checkSegmentCall: the customer-success event spec', () => {
  const track = (event: string, properties: Record<string, unknown>) => ({ userId: 'u', event, properties });
  it.each<[string, unknown]>([
    ['an nps response 0', track('Survey Responded', { survey: 'nps', score: 0 })],
    [
      'an nps response 10 with a comment',
      track('Survey Responded', { survey: 'nps', score: 10, comment: 'great' }),
    ],
    ['a csat response 1', track('Survey Responded', { survey: 'csat', score: 1 })],
    [
      'a subscription',
      track('Subscription Started', {
        mrr: 99.5,
        currency: 'usd',
        subscription_id: 's1',
        seats: 5,
        plan: 'pro',
      }),
    ],
    [
      'a cancellation at 0',
      track('Subscription Cancelled', { mrr: 0, currency: 'EUR', subscription_id: 's1' }),
    ],
    ['a P1 ticket', track('Ticket Opened', { ticket_id: 't1', priority: 'P1' })],
    ['an onboarding step', track('Onboarding Step Completed', { step: 'connect-data' })],
    ['an outcome', track('Outcome Reported', { metric: 'hours_saved', value: 12.5 })],
    ['a sign-in without properties', { userId: 'u', event: 'Signed In' }],
    ['an event outside the spec, with any properties', track('Report Exported', { anything: [1, { a: 2 }] })],
  ])('accepts %s', (_label, call) => {
    expect(checkSegmentCall(call, 'track')).toMatchObject({ ok: true });
  });

  it.each<[string, unknown, string[]]>([
    ['an nps score of 11', track('Survey Responded', { survey: 'nps', score: 11 }), ['properties.score']],
    ['a csat score of 0', track('Survey Responded', { survey: 'csat', score: 0 }), ['properties.score']],
    ['a fractional score', track('Survey Responded', { survey: 'nps', score: 7.5 }), ['properties.score']],
    ['an unknown survey', track('Survey Responded', { survey: 'ces', score: 3 }), ['properties.survey']],
    ['a survey without a score', track('Survey Responded', { survey: 'nps' }), ['properties.score']],
    [
      'a negative mrr',
      track('Subscription Changed', { mrr: -1, currency: 'USD', subscription_id: 's' }),
      ['properties.mrr'],
    ],
    [
      'a currency that is not three letters',
      track('Subscription Renewed', { mrr: 1, currency: 'dollars', subscription_id: 's' }),
      ['properties.currency'],
    ],
    [
      'a subscription without an id',
      track('Subscription Started', { mrr: 1, currency: 'USD' }),
      ['properties.subscription_id'],
    ],
    [
      'an mrr as a string',
      track('Subscription Started', { mrr: '10', currency: 'USD', subscription_id: 's' }),
      ['properties.mrr'],
    ],
    ['a ticket without an id', track('Ticket Resolved', { priority: 'p2' }), ['properties.ticket_id']],
    [
      'a ticket priority p9',
      track('Ticket Opened', { ticket_id: 't', priority: 'p9' }),
      ['properties.priority'],
    ],
    ['an empty onboarding step', track('Onboarding Step Completed', { step: '' }), ['properties.step']],
    ['an outcome without a value', track('Outcome Reported', { metric: 'x' }), ['properties.value']],
    [
      'spec properties missing entirely',
      { userId: 'u', event: 'Outcome Reported' },
      ['properties.metric', 'properties.value'],
    ],
  ])('refuses %s', (_label, call, expected) => {
    expect(paths(call, 'track').sort()).toEqual(expected.sort());
  });

  it('says what a valid value looks like', () => {
    const result = checkSegmentCall(track('Survey Responded', { survey: 'nps', score: 11 }), 'track');
    expect(result.ok ? [] : result.problems).toEqual([
      { path: 'properties.score', message: 'must be an integer from 0 to 10 for an nps survey' },
    ]);
    const currency = checkSegmentCall(
      track('Subscription Started', { mrr: 1, currency: 'dollars', subscription_id: 's' }),
      'track',
    );
    expect(currency.ok ? '' : currency.problems[0]!.message).toBe('must be three letters, e.g. USD');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a negative mrr', { mrr: -5 }, 'traits.mrr'],
    ['fractional seats', { seats: 2.5 }, 'traits.seats'],
    ['a csm_email that is no email', { csm_email: 'nobody' }, 'traits.csm_email'],
    ['an unknown touch model', { touch_model: 'medium' }, 'traits.touch_model'],
    ['a renewal_date that is no date', { renewal_date: 'soon' }, 'traits.renewal_date'],
  ])('refuses group traits with %s', (_label, traits, path) => {
    expect(paths({ userId: 'u', groupId: 'acc', traits }, 'group')).toContain(path);
  });
});

describe('checkSegmentCall: what no consumer could store or compute with', () => {
  const problemsOf = (value: unknown, type?: SegmentCallType) => {
    const result = checkSegmentCall(value, type);
    return result.ok ? [] : result.problems;
  };
  const subscription = (extra: Record<string, unknown>) => ({
    userId: 'u',
    event: 'Subscription Started',
    properties: { mrr: 10, currency: 'USD', subscription_id: 's', ...extra },
  });

  it.each<[string, unknown, SegmentCallType, string, RegExp]>([
    [
      'a NUL in a property',
      { userId: 'u', event: 'x', properties: { note: 'a\u0000b' } },
      'track',
      'properties.note',
      /NUL/,
    ],
    [
      'an unpaired surrogate in a trait',
      { userId: 'u', traits: { name: 'x\ud800' } },
      'identify',
      'traits.name',
      /unpaired/,
    ],
    [
      'an unpaired surrogate in a key',
      { userId: 'u', traits: { '\udc00': 1 } },
      'identify',
      'traits.\udc00',
      /unpaired/,
    ],
    ['a NUL in groupId', { userId: 'u', groupId: 'acc\u0000' }, 'group', 'groupId', /NUL/],
    ['a NUL in userId', { userId: '\u0000', event: 'x' }, 'track', 'userId', /NUL/],
    [
      'a NUL in context.groupId',
      { userId: 'u', event: 'x', context: { groupId: 'a\u0000' } },
      'track',
      'context.groupId',
      /NUL/,
    ],
    ['a NUL in previousId', { userId: 'u', previousId: '\u0000' }, 'alias', 'previousId', /NUL/],
    [
      'Infinity (what 1e400 parses to) as mrr',
      subscription({ mrr: Infinity }),
      'track',
      'properties.mrr',
      /finite/,
    ],
    [
      '-Infinity in any property',
      { userId: 'u', event: 'x', properties: { a: [1, -Infinity] } },
      'track',
      'properties.a[1]',
      /finite/,
    ],
    [
      'an mrr past MAX_AMOUNT',
      subscription({ mrr: MAX_AMOUNT + 1 }),
      'track',
      'properties.mrr',
      /<= 1000000000000/,
    ],
    [
      'seats past MAX_COUNT',
      subscription({ seats: MAX_COUNT + 1 }),
      'track',
      'properties.seats',
      /<= 2147483647/,
    ],
    [
      'a subscription_id of 201 characters',
      subscription({ subscription_id: 's'.repeat(201) }),
      'track',
      'properties.subscription_id',
      /at most 200/,
    ],
    [
      'group seats past MAX_COUNT',
      { userId: 'u', groupId: 'a', traits: { seats: MAX_COUNT + 1 } },
      'group',
      'traits.seats',
      /<= 2147483647/,
    ],
    [
      'a renewal_date in year 0000',
      { userId: 'u', groupId: 'a', traits: { renewal_date: '0000-01-01' } },
      'group',
      'traits.renewal_date',
      /year from 1900/,
    ],
    [
      'a page call naming a 201-character account',
      { userId: 'u', properties: { groupId: 'g'.repeat(201) } },
      'page',
      'properties.groupId',
      /at most 200/,
    ],
  ])('refuses %s, naming it once', (_label, call, type, path, message) => {
    const problems = problemsOf(call, type);
    expect(problems.filter((p) => p.path === path)).toEqual([
      { path, message: expect.stringMatching(message) },
    ]);
  });

  it('accepts the limits themselves', () => {
    expect(checkSegmentCall(subscription({ mrr: MAX_AMOUNT, seats: MAX_COUNT }), 'track').ok).toBe(true);
    const traits = { mrr: MAX_AMOUNT, seats: MAX_COUNT, renewal_date: '1900-01-01' };
    expect(checkSegmentCall({ userId: 'u', groupId: 'a', traits }, 'group').ok).toBe(true);
  });

  it('refuses a NUL or an unpaired surrogate wherever it is, naming its path', () => {
    const bad = fc.constantFrom('\u0000', '\ud800', '\udfff');
    const key = fc.constantFrom('a', 'b', 'note');
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 5 }), bad, fc.string(), (keys, poison, text) => {
        let value: unknown = text.slice(0, 3) + poison + text.slice(3);
        for (const k of [...keys].reverse()) value = { [k]: value };
        const result = checkSegmentCall({ userId: 'u', event: 'x', properties: value }, 'track');
        return !result.ok && result.problems.some((p) => p.path === ['properties', ...keys].join('.'));
      }),
    );
  });
});

describe('checkSegmentCall: robustness', () => {
  it('never throws, and every refusal names a problem', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.jsonValue()),
        fc.constantFrom<SegmentCallType | undefined>(undefined, 'track', 'group', 'alias'),
        (value, type) => {
          const result = checkSegmentCall(value, type);
          return (
            result.ok ||
            (result.problems.length > 0 &&
              result.problems.every((p) => typeof p.path === 'string' && p.message.length > 0))
          );
        },
      ),
    );
  });

  it('accepts every nps score from 0 to 10 and refuses integers outside', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (score) => {
        const result = checkSegmentCall(
          { userId: 'u', event: 'Survey Responded', properties: { survey: 'nps', score } },
          'track',
        );
        return score >= 0 && score <= 10
          ? result.ok
          : !result.ok && result.problems.some((p) => p.path === 'properties.score');
      }),
    );
  });

  it('refuses a value nested 100,000 levels deep without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { n: deep };
    const result = checkSegmentCall({ userId: 'u', event: 'x', properties: deep }, 'track');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems[0]!.message).toMatch(/nested more than 16/);
    expect(tooDeep({ a: { b: 1 } })).toBeNull();
  });

  it('names the path of the first value nested too deep', () => {
    expect(tooDeep({ x: 1, a: [0, { b: { c: {} } }] }, 3)).toBe('a[1].b');
    expect(tooDeep([[[{}]]], 3)).toBe('[0][0][0]');
    expect(tooDeep({ a: [0, { b: 'flat' }] }, 3)).toBeNull();
    expect(tooDeep({}, 0)).toBe('');
  });
});

describe('the class-validator classes agree with the compiled schemas', () => {
  const samples: [
    new () => object,
    SegmentCallType | 'properties',
    string | undefined,
    Record<string, unknown>,
  ][] = [
    [CALL_CLASSES.track, 'track', undefined, { userId: 'u', event: 'x' }],
    [CALL_CLASSES.track, 'track', undefined, { userId: 'u' }],
    [CALL_CLASSES.track, 'track', undefined, { event: 'x' }],
    [CALL_CLASSES.group, 'group', undefined, { anonymousId: 'a', groupId: 'g' }],
    [CALL_CLASSES.group, 'group', undefined, { anonymousId: 'a', groupId: '' }],
    [CALL_CLASSES.alias, 'alias', undefined, { userId: 'u', previousId: 'p' }],
    [CALL_CLASSES.alias, 'alias', undefined, { userId: 'u' }],
    [CALL_CLASSES.identify, 'identify', undefined, { userId: 'u', timestamp: 'nope' }],
    [NpsSurveyResponse, 'properties', 'Survey Responded', { survey: 'nps', score: 10 }],
    [NpsSurveyResponse, 'properties', 'Survey Responded', { survey: 'nps', score: 11 }],
    [CsatSurveyResponse, 'properties', 'Survey Responded', { survey: 'csat', score: 5 }],
    [CsatSurveyResponse, 'properties', 'Survey Responded', { survey: 'csat', score: 0 }],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: 10, currency: 'USD', subscription_id: 's' },
    ],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: -10, currency: 'USD', subscription_id: 's' },
    ],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: 10, currency: 'US', subscription_id: 's' },
    ],
    [TicketEvent, 'properties', 'Ticket Opened', { ticket_id: 't', priority: 'p3' }],
    [TicketEvent, 'properties', 'Ticket Opened', { ticket_id: 't', priority: 'urgent' }],
    [TicketEvent, 'properties', 'Ticket Opened', { ticket_id: 't'.repeat(201) }],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: MAX_AMOUNT + 1, currency: 'USD', subscription_id: 's' },
    ],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: MAX_AMOUNT, currency: 'USD', subscription_id: 's', seats: MAX_COUNT },
    ],
    [
      SubscriptionEvent,
      'properties',
      'Subscription Started',
      { mrr: 1, currency: 'USD', subscription_id: 's', seats: MAX_COUNT + 1 },
    ],
  ];

  it.each(samples.map((s, i) => [i, ...s] as const))(
    'sample %i gets the same verdict',
    (_i, cls, kind, event, sample) => {
      const classOk = validateSync(plainToInstance(cls, sample) as object).length === 0;
      const schemaOk =
        kind === 'properties'
          ? checkSegmentCall({ userId: 'u', event: event!, properties: sample }, 'track').ok
          : checkSegmentCall(sample, kind).ok;
      expect(schemaOk).toBe(classOk);
    },
  );
});

describe('fields any call carries into its event', () => {
  it.each([
    ['groupId', { type: 'track', event: 'Signed In', userId: 'u1', groupId: '' }],
    ['previousId', { type: 'identify', userId: 'u1', previousId: '' }],
    ['event', { type: 'page', userId: 'u1', event: '' }],
  ])('an empty %s is refused on any call type, not only the one that needs it', (field, call) => {
    const check = checkSegmentCall(call);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.map((p) => p.path)).toContain(field);
  });
});
