import { churnedOnIn, outcomeDays, subscriptionStateOn } from './outcomes';

const ev = (at: string, name: string, subscriptionId = 's') => ({
  at: `${at}T12:00:00.000Z`,
  name,
  subscriptionId,
});

describe('outcomeDays', () => {
  it('churns when the last subscription in force is cancelled, not while another is', () => {
    const o = outcomeDays(
      [
        ev('2026-01-01', 'Subscription Started', 'a'),
        ev('2026-01-05', 'Subscription Started', 'b'),
        ev('2026-02-01', 'Subscription Cancelled', 'a'),
        ev('2026-03-01', 'Subscription Cancelled', 'b'),
        ev('2026-04-01', 'Subscription Started', 'c'),
        ev('2026-05-01', 'Subscription Cancelled', 'c'),
      ],
      [],
      null,
      '2026-12-31',
    );
    expect(o.churn).toEqual(['2026-03-01', '2026-05-01']);
    expect(o.subscribed).toEqual(['2026-01-01', '2026-04-01']);
  });

  it('orders events by time, whatever order they come in', () => {
    const o = outcomeDays(
      [ev('2026-02-01', 'Subscription Cancelled'), ev('2026-01-01', 'Subscription Started')],
      [],
      null,
      '2026-12-31',
    );
    expect(o.churn).toEqual(['2026-02-01']);
  });

  it('contracts when MRR falls to a value above 0, comparing each day with the day before it', () => {
    const p = (at: string, mrr: number) => ({ at: `${at}T10:00:00.000Z`, mrr });
    const o = outcomeDays(
      [],
      [
        p('2026-01-01', 100),
        p('2026-02-01', 80),
        p('2026-03-01', 120),
        { at: '2026-03-01T11:00:00.000Z', mrr: 130 },
        p('2026-04-01', 0),
        p('2026-05-01', 50),
      ],
      null,
      '2026-12-31',
    );
    expect(o.contraction).toEqual(['2026-02-01']);
  });

  it('renews on Subscription Renewed, and on a passed renewal date only while subscribed', () => {
    const events = [
      ev('2026-01-01', 'Subscription Started'),
      ev('2026-03-01', 'Subscription Renewed'),
      ev('2026-06-01', 'Subscription Cancelled'),
    ];
    expect(outcomeDays(events, [], '2026-05-01', '2026-12-31').renewal).toEqual(['2026-03-01', '2026-05-01']);
    expect(outcomeDays(events, [], '2026-07-01', '2026-12-31').renewal).toEqual(['2026-03-01']);
    expect(outcomeDays(events, [], '2026-05-01', '2026-04-30').renewal).toEqual(['2026-03-01']);
  });
});

describe('churnedOnIn', () => {
  const o = outcomeDays(
    [
      ev('2026-01-01', 'Subscription Started'),
      ev('2026-02-01', 'Subscription Cancelled'),
      ev('2026-04-01', 'Subscription Started'),
      ev('2026-06-01', 'Subscription Cancelled'),
    ],
    [],
    null,
    '2026-12-31',
  );
  it('is the first churn in the period', () =>
    expect(churnedOnIn(o, '2026-04-15', '2026-12-31')).toBe('2026-06-01'));
  it('is an earlier churn not come back from', () =>
    expect(churnedOnIn(o, '2026-03-01', '2026-03-31')).toBe('2026-02-01'));
  it('is null when the account came back before the period and did not churn in it', () =>
    expect(churnedOnIn(o, '2026-04-15', '2026-05-31')).toBeNull());
});

describe('subscriptionStateOn', () => {
  const events = [
    { at: '2026-03-01T10:00:00.000Z', name: 'Subscription Started', subscriptionId: 'a' },
    { at: '2026-05-01T10:00:00.000Z', name: 'Subscription Started', subscriptionId: 'b' },
    { at: '2026-06-01T10:00:00.000Z', name: 'Subscription Cancelled', subscriptionId: 'a' },
    { at: '2026-07-01T10:00:00.000Z', name: 'Subscription Cancelled', subscriptionId: 'b' },
    { at: '2026-09-01T10:00:00.000Z', name: 'Subscription Renewed', subscriptionId: 'b' },
  ];

  it('reads the state at the end of a day from the events up to it, whatever their order', () => {
    const shuffled = [events[3]!, events[0]!, events[4]!, events[2]!, events[1]!];
    expect(subscriptionStateOn(shuffled, '2026-02-28')).toBe('none');
    expect(subscriptionStateOn(shuffled, '2026-03-01')).toBe('active');
    // One of two cancelled: still active.
    expect(subscriptionStateOn(shuffled, '2026-06-15')).toBe('active');
    expect(subscriptionStateOn(shuffled, '2026-07-01')).toBe('churned');
    expect(subscriptionStateOn(shuffled, '2026-09-01')).toBe('active');
  });
});
