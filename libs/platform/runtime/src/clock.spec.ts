import { Clock, ManualClock } from './clock';

describe('Clock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = new Clock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a manual clock stands still until set or advanced, and hands out copies', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const read = clock.now();
    read.setTime(0);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:30.000Z');
    clock.set(new Date('2026-02-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});
