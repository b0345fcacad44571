import { BackgroundJobs } from '@tsuzuku/platform-database';
import { KafkaConnection } from '@tsuzuku/platform-kafka';
import { loadConfig } from '@tsuzuku/platform-config';
import { IngestionConfig } from '../config/ingestion.config';
import { MIN_ANSWERS_PER_WINDOW } from './domain/admission';
import { LoadMonitor } from './load-monitor';

describe('LoadMonitor', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  const monitor = () =>
    new LoadMonitor(
      loadConfig(IngestionConfig, { OVERLOAD_LAG_GROUPS: '' }),
      {} as KafkaConnection,
      {} as BackgroundJobs,
    );

  it('counts the events in progress until each request is answered, once', () => {
    const load = monitor();
    const first = load.hold(100);
    const second = load.hold(30);
    expect(load.signals().pendingEvents).toBe(130);
    first(true);
    first(true);
    expect(load.signals().pendingEvents).toBe(30);
    second(false);
    expect(load.signals().pendingEvents).toBe(0);
  });

  it('reports the p90 answer time of the last half second, counting only the answers that succeeded', () => {
    const load = monitor();
    // Ten requests answered with success after 100, 200, ..., 1,000 ms; one failure after 5 s.
    const held = Array.from({ length: 10 }, () => load.hold(1));
    const failing = load.hold(1);
    for (const release of held) {
      jest.advanceTimersByTime(100);
      release(true);
    }
    jest.advanceTimersByTime(4_000);
    failing(false);
    // The window that held them is read once it is over.
    expect(load.signals().answerMs).toBe(900);
    jest.advanceTimersByTime(600);
    // A window with no answer reports no wait.
    expect(load.signals().answerMs).toBe(0);
  });

  it('refuses once the answers are twice the target, but not for a few slow requests alone', () => {
    const slowAnswers = (count: number) => {
      const releases = Array.from({ length: count }, () => load.hold(1));
      jest.advanceTimersByTime(1_000);
      for (const release of releases) release(true);
      jest.advanceTimersByTime(500);
    };
    const load = monitor();
    slowAnswers(MIN_ANSWERS_PER_WINDOW - 1);
    expect(load.admit(1)).toEqual({ admit: true });
    slowAnswers(MIN_ANSWERS_PER_WINDOW);
    expect(load.admit(1)).toMatchObject({ admit: false, signal: 'answer_time', retryAfterSeconds: 1 });
  });
});
