import fc from 'fast-check';
import { EventTimeWindow, StampedCall, checkEventTime, eventTime } from './event-time';

const received = new Date('2026-11-20T12:00:10.000Z');

describe('eventTime', () => {
  it.each([
    // client clock 1 hour fast: stamped 13:00:00, sent 13:00:05, received 12:00:10 -> happened 12:00:05
    [
      'a fast client clock',
      '2026-11-20T13:00:00.000Z',
      '2026-11-20T13:00:05.000Z',
      'live',
      '2026-11-20T12:00:05.000Z',
    ],
    // client clock 10 minutes slow
    [
      'a slow client clock',
      '2026-11-20T11:50:00.000Z',
      '2026-11-20T11:50:08.000Z',
      'live',
      '2026-11-20T12:00:02.000Z',
    ],
    [
      'no sentAt: the timestamp as given',
      '2026-11-20T11:00:00.000Z',
      undefined,
      'live',
      '2026-11-20T11:00:00.000Z',
    ],
    [
      'an import: the timestamp as given',
      '2025-01-01T00:00:00.000Z',
      '2026-11-20T12:00:00.000Z',
      'import',
      '2025-01-01T00:00:00.000Z',
    ],
    [
      'no timestamp: when received',
      undefined,
      '2026-11-20T12:00:00.000Z',
      'live',
      '2026-11-20T12:00:10.000Z',
    ],
  ] as const)('%s', (_label, timestamp, sentAt, mode, expected) => {
    expect(eventTime(timestamp, sentAt, received, mode).toISOString()).toBe(expected);
  });

  it('keeps the delay between stamping and sending, whatever the skew', () => {
    const t = eventTime('2026-11-20T00:00:00.000Z', '2026-11-20T00:00:30.000Z', received, 'live');
    expect(received.getTime() - t.getTime()).toBe(30_000);
  });
});

describe('checkEventTime', () => {
  const window: EventTimeWindow = {
    liveMaxAgeMs: 30 * 86_400_000,
    importEarliest: new Date('2000-01-01T00:00:00.000Z'),
    futureToleranceMs: 300_000,
  };
  const at = (offsetMs: number) => new Date(received.getTime() + offsetMs).toISOString();
  const DAY = 86_400_000;

  it.each<[string, StampedCall, string | undefined, 'live' | 'import', string]>([
    ['no timestamp: when received', {}, undefined, 'live', received.toISOString()],
    [
      'a fast client clock, corrected',
      { timestamp: at(3_600_000), sentAt: at(3_600_005) },
      undefined,
      'live',
      at(-5),
    ],
    ['the batch sentAt corrects an item', { timestamp: at(-10_000) }, at(-5_000), 'live', at(-5_000)],
    ['30 days old, live', { timestamp: at(-30 * DAY) }, undefined, 'live', at(-30 * DAY)],
    ['at the future tolerance', { timestamp: at(300_000) }, undefined, 'live', at(300_000)],
    [
      'originalTimestamp when there is no timestamp',
      { originalTimestamp: at(-DAY) },
      undefined,
      'live',
      at(-DAY),
    ],
    [
      'an import from 2000',
      { timestamp: '2000-01-01T00:00:00Z', sentAt: at(0) },
      undefined,
      'import',
      '2000-01-01T00:00:00.000Z',
    ],
  ])('accepts %s', (_label, call, batchSentAt, mode, expected) => {
    const result = checkEventTime(call, batchSentAt, received, mode, window);
    expect(result.ok && result.at.toISOString()).toBe(expected);
  });

  it.each<[string, StampedCall, string | undefined, 'live' | 'import', string, RegExp]>([
    [
      'a timestamp far ahead of a sentAt far behind (the skew puts it in year 9999+)',
      { timestamp: '9999-12-31T00:00:00Z', sentAt: '0001-01-01T00:00:00Z' },
      undefined,
      'live',
      'timestamp',
      /in the future after clock-skew correction/,
    ],
    [
      'a live call older than 30 days',
      { timestamp: at(-31 * DAY) },
      undefined,
      'live',
      'timestamp',
      /30 days old.*\/v1\/import/,
    ],
    [
      'a live call 6 minutes ahead',
      { timestamp: at(360_000) },
      undefined,
      'live',
      'timestamp',
      /in the future/,
    ],
    [
      'an originalTimestamp ahead',
      { originalTimestamp: at(DAY) },
      undefined,
      'live',
      'originalTimestamp',
      /in the future/,
    ],
    [
      'an import from 1999',
      { timestamp: '1999-12-31T23:59:59Z' },
      undefined,
      'import',
      'timestamp',
      /earlier than 2000/,
    ],
    [
      'an import from the future',
      { timestamp: '9999-12-31T00:00:00Z', sentAt: '0001-01-01T00:00:00Z' },
      undefined,
      'import',
      'timestamp',
      /in the future/,
    ],
    [
      'a leap second Date cannot read',
      { timestamp: '2026-06-30T23:59:60Z' },
      undefined,
      'live',
      'timestamp',
      /must be a date-time/,
    ],
    [
      'a sentAt Date cannot read',
      { timestamp: at(0), sentAt: '2026-06-30T23:59:60Z' },
      undefined,
      'live',
      'sentAt',
      /must be a date-time/,
    ],
    [
      'a batch sentAt past what a Date holds',
      { timestamp: at(0) },
      '-271821-04-20T00:00:00Z',
      'live',
      'timestamp',
      /out of range/,
    ],
  ])('refuses %s, naming the field', (_label, call, batchSentAt, mode, path, message) => {
    const result = checkEventTime(call, batchSentAt, received, mode, window);
    expect(result).toEqual({ ok: false, problem: { path, message: expect.stringMatching(message) } });
  });

  it('never accepts an event time outside the window, whatever the two client clocks say', () => {
    const instant = fc.integer({
      min: Date.parse('0001-01-01T00:00:00Z'),
      max: Date.parse('9999-12-31T23:59:59Z'),
    });
    fc.assert(
      fc.property(instant, instant, fc.constantFrom<'live' | 'import'>('live', 'import'), (t, s, mode) => {
        const call = { timestamp: new Date(t).toISOString(), sentAt: new Date(s).toISOString() };
        const result = checkEventTime(call, undefined, received, mode, window);
        if (!result.ok) return result.problem.path === 'timestamp';
        const earliest =
          mode === 'live' ? received.getTime() - window.liveMaxAgeMs : window.importEarliest.getTime();
        return (
          result.at.getTime() >= earliest &&
          result.at.getTime() <= received.getTime() + window.futureToleranceMs
        );
      }),
    );
  });
});
