import fc from 'fast-check';
import { GateInput, gateTrigger } from './trigger-gate';

const HOUR = 3_600_000;
const now = new Date('2026-12-04T12:00:00.000Z');
const base: GateInput = {
  triggeredAt: now.toISOString(),
  backfill: false,
  profiled: true,
  waitingSince: null,
  now,
  horizonMs: 24 * HOUR,
  profileWaitMs: 300_000,
};
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('gateTrigger', () => {
  it.each<[string, Partial<GateInput>, ReturnType<typeof gateTrigger>['kind'], string | null]>([
    ['a fresh trigger on a profiled account', {}, 'evaluate', null],
    ['history', { backfill: true }, 'skip', 'backfill'],
    ['history on an account with no profile', { backfill: true, profiled: false }, 'skip', 'backfill'],
    ['just inside the horizon', { triggeredAt: ago(24 * HOUR) }, 'evaluate', null],
    ['past the horizon', { triggeredAt: ago(24 * HOUR + 1) }, 'skip', 'too_old'],
    ['too old, with no profile', { triggeredAt: ago(25 * HOUR), profiled: false }, 'skip', 'too_old'],
    ['no profile yet', { profiled: false }, 'wait', null],
    ['still waiting', { profiled: false, waitingSince: ago(299_999) }, 'wait', null],
    ['the wait is over', { profiled: false, waitingSince: ago(300_000) }, 'evaluate', null],
    ['the profile came while waiting', { waitingSince: ago(10_000) }, 'evaluate', null],
  ])('%s', (_, over, kind, outcome) => {
    const verdict = gateTrigger({ ...base, ...over });
    expect(verdict.kind).toBe(kind);
    if (verdict.kind === 'skip') expect(verdict.outcome).toBe(outcome);
  });

  it('waits until the first sight plus the wait, and says so once it is over', () => {
    expect(gateTrigger({ ...base, profiled: false })).toEqual({
      kind: 'wait',
      until: new Date(now.getTime() + 300_000).toISOString(),
    });
    expect(gateTrigger({ ...base, profiled: false, waitingSince: ago(400_000) })).toEqual({
      kind: 'evaluate',
      note: 'no profile after 300 s: evaluated on what is known',
    });
  });

  it('never starts history or a trigger past the horizon, whatever else holds', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 400 * HOUR }),
        fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: null }),
        (backfill, profiled, age, waited) => {
          const verdict = gateTrigger({
            ...base,
            backfill,
            profiled,
            triggeredAt: ago(age),
            waitingSince: waited === null ? null : ago(waited),
          });
          if (backfill || age > base.horizonMs) expect(verdict.kind).toBe('skip');
          else expect(verdict.kind).not.toBe('skip');
        },
      ),
    );
  });
});
