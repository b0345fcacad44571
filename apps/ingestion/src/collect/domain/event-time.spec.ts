import { eventTime } from './event-time';

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
