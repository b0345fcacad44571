import { parseDuration } from './duration';
import { renderTemplate, templateProblems } from './template-render';
import { renewalTriggerKey, scheduleProblem, scheduleSlotKey } from './trigger-timing';

describe('parseDuration', () => {
  const ok: [unknown, number][] = [
    ['P7D', 7 * 86_400_000],
    ['PT3S', 3000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT1H30M', 90 * 60_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
    [{ seconds: 3 }, 3000],
    [{ days: 1, hours: 1 }, 25 * 3_600_000],
  ];
  it.each(ok)('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  const bad: unknown[] = [
    'P1M',
    'P1Y',
    'P',
    'PT',
    '7d',
    '',
    3,
    null,
    [],
    {},
    { weeks: 1 },
    { seconds: -1 },
    { seconds: 'x' },
    'P5000D',
  ];
  it.each(bad)('%j is refused', (input) => {
    expect(parseDuration(input).ok).toBe(false);
  });
});

describe('templates', () => {
  it('fills known fields and empties missing ones', () => {
    expect(
      renderTemplate('Hi {{ account.name }} <{{contact.email}}>', {
        'account.name': 'Acme',
        'contact.email': null,
      }),
    ).toBe('Hi Acme <>');
  });
  it('names unknown placeholders', () => {
    expect(templateProblems('{{account.name}} {{account.secret}}')).toHaveLength(1);
    expect(templateProblems('no placeholders')).toEqual([]);
  });
});

describe('renewalTriggerKey', () => {
  const now = new Date('2026-03-01T15:00:00.000Z');
  const cases: [string | null, number, string | null][] = [
    ['2026-05-30', 90, 'renewal:2026-05-30'],
    ['2026-05-31', 90, null],
    ['2026-03-01', 30, 'renewal:2026-03-01'],
    ['2026-02-28', 30, null],
    ['2026-03-31T00:00:00.000Z', 30, 'renewal:2026-03-31'],
    [null, 30, null],
    ['not a date', 30, null],
  ];
  it.each(cases)('%s with %d days → %s', (date, days, key) => {
    expect(renewalTriggerKey(date, days, now)).toBe(key);
  });
});

describe('schedules', () => {
  it('accepts intervals and cron expressions and refuses the rest', () => {
    expect(scheduleProblem('90d')).toBeNull();
    expect(scheduleProblem('0 9 * * 1')).toBeNull();
    expect(scheduleProblem('0d')).not.toBeNull();
    expect(scheduleProblem('every quarter')).not.toBeNull();
  });

  it('keys an interval slot from the epoch, the same within the slot and new after it', () => {
    const a = scheduleSlotKey('90d', new Date('2026-03-01T00:00:00Z'), new Date(0));
    expect(scheduleSlotKey('90d', new Date('2026-03-02T00:00:00Z'), new Date(0))).toBe(a);
    expect(scheduleSlotKey('90d', new Date('2026-06-30T00:00:00Z'), new Date(0))).not.toBe(a);
  });

  it('keys a cron slot by its latest time, and waits for the first one after the playbook was made', () => {
    const now = new Date('2026-03-04T10:00:00Z'); // a Wednesday
    expect(scheduleSlotKey('0 9 * * 1', now, new Date('2026-03-01T00:00:00Z'))).toBe(
      'cron:2026-03-02T09:00:00.000Z',
    );
    expect(scheduleSlotKey('0 9 * * 1', now, new Date('2026-03-03T00:00:00Z'))).toBeNull();
  });
});
