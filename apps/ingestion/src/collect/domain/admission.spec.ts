import {
  AdmissionLimits,
  LoadSignals,
  MIN_ANSWERS_PER_WINDOW,
  admission,
  answerTime,
  sustainedDelay,
} from './admission';

const limits: AdmissionLimits = {
  maxEventLoopDelayMs: 300,
  maxPendingEvents: 1_000,
  maxAnswerMs: 500,
  lagSoftLimit: 10_000,
  lagHardLimit: 30_000,
};
const calm: LoadSignals = {
  eventLoopDelayMs: 5,
  pendingEvents: 0,
  answerMs: 40,
  downstreamLag: 0,
  downstreamRate: 5_000,
};

describe('admission', () => {
  it('takes every request while nothing is over its limit', () => {
    for (const draw of [0, 0.5, 0.999]) expect(admission(100, calm, limits, draw)).toEqual({ admit: true });
    expect(admission(100, { ...calm, downstreamLag: 9_999 }, limits, 0)).toEqual({ admit: true });
  });

  it('refuses everything while the event loop is late, and says so', () => {
    const refused = admission(1, { ...calm, eventLoopDelayMs: 301 }, limits, 0.99);
    expect(refused).toEqual({
      admit: false,
      signal: 'event_loop_delay',
      retryAfterSeconds: 1,
      detail: 'event-loop delay 301 ms is over 300 ms',
    });
    expect(admission(1, { ...calm, eventLoopDelayMs: 300 }, limits, 0.99).admit).toBe(true);
  });

  it('refuses a request that would take the events in progress past the limit, never one alone', () => {
    expect(admission(100, { ...calm, pendingEvents: 900 }, limits, 0.5).admit).toBe(true);
    expect(admission(101, { ...calm, pendingEvents: 900 }, limits, 0.5)).toMatchObject({
      admit: false,
      signal: 'pending_events',
      retryAfterSeconds: 1,
    });
    // Bigger than the whole allowance, with nothing else in progress: taken.
    expect(admission(5_000, { ...calm, pendingEvents: 0 }, limits, 0.5).admit).toBe(true);
  });

  it('refuses a share of requests growing with the answer time past its target, all at twice it', () => {
    const share = (answerMs: number) =>
      Array.from({ length: 1_000 }, (_, i) => i / 1_000).filter(
        (d) => !admission(1, { ...calm, answerMs }, limits, d).admit,
      ).length / 1_000;
    for (const answerMs of [500, 600, 750, 900])
      expect(share(answerMs)).toBeCloseTo(
        Math.max(0, (answerMs - limits.maxAnswerMs) / limits.maxAnswerMs),
        2,
      );
    expect(share(1_000)).toBe(1);
    expect(share(5_000)).toBe(1);
    expect(admission(1, { ...calm, answerMs: 1_000 }, limits, 0.5)).toEqual({
      admit: false,
      signal: 'answer_time',
      retryAfterSeconds: 1,
      detail: 'requests take 1000 ms to be answered (refusing from 500 ms)',
    });
  });

  it('refuses a share of requests growing linearly from the soft to the hard lag limit', () => {
    const at = (lag: number) => {
      const draws = Array.from({ length: 1_000 }, (_, i) => i / 1_000);
      return (
        draws.filter((d) => !admission(1, { ...calm, downstreamLag: lag }, limits, d).admit).length / 1_000
      );
    };
    // The share refused equals (lag − soft) / (hard − soft), computed here from the limits.
    for (const lag of [10_000, 15_000, 20_000, 25_000, 29_999])
      expect(at(lag)).toBeCloseTo(
        (lag - limits.lagSoftLimit) / (limits.lagHardLimit - limits.lagSoftLimit),
        2,
      );
    expect(at(30_000)).toBe(1);
    expect(at(90_000)).toBe(1);
  });

  it('asks to retry once the consumers will have drained the excess at their recent rate', () => {
    const refused = admission(1, { ...calm, downstreamLag: 40_000, downstreamRate: 6_000 }, limits, 0);
    // (40,000 − 10,000) / 6,000 = 5 s.
    expect(refused).toMatchObject({ admit: false, signal: 'downstream_lag', retryAfterSeconds: 5 });
    expect(refused.admit === false && refused.detail).toBe(
      'the pipeline is 40000 events behind (refusing from 10000, all from 30000)',
    );
    // Slow consumers: at most 30 s; an unknown or stalled rate: 5 s.
    expect(admission(1, { ...calm, downstreamLag: 400_000, downstreamRate: 10 }, limits, 0)).toMatchObject({
      retryAfterSeconds: 30,
    });
    for (const downstreamRate of [null, 0])
      expect(admission(1, { ...calm, downstreamLag: 40_000, downstreamRate }, limits, 0)).toMatchObject({
        retryAfterSeconds: 5,
      });
  });

  it('refuses nothing for a lag it does not know', () => {
    expect(admission(1, { ...calm, downstreamLag: null, downstreamRate: null }, limits, 0)).toEqual({
      admit: true,
    });
  });

  it('reads the answer time as the p90 of a window, and as no wait when the window had too few answers', () => {
    const times = Array.from({ length: 20 }, (_, i) => (20 - i) * 50); // 1,000 ms down to 50 ms
    // The 18th of 20 in order: 900 ms.
    expect(answerTime(times)).toBe([...times].sort((a, b) => a - b)[17]);
    expect(answerTime(times.slice(0, MIN_ANSWERS_PER_WINDOW - 1))).toBe(0);
    expect(answerTime(times.slice(0, MIN_ANSWERS_PER_WINDOW))).toBeGreaterThan(0);
  });

  it('counts an event-loop delay only when it lasted through two windows', () => {
    // One long task in the last window: the window before was calm.
    expect(admission(1, { ...calm, eventLoopDelayMs: sustainedDelay(12, 900) }, limits, 0.5).admit).toBe(
      true,
    );
    expect(admission(1, { ...calm, eventLoopDelayMs: sustainedDelay(900, 12) }, limits, 0.5).admit).toBe(
      true,
    );
    expect(admission(1, { ...calm, eventLoopDelayMs: sustainedDelay(450, 900) }, limits, 0.5)).toMatchObject({
      admit: false,
      signal: 'event_loop_delay',
      detail: 'event-loop delay 450 ms is over 300 ms',
    });
  });
});
