import fc from 'fast-check';
import { isCalendarDate, isCalendarMonth, isInstant } from './calendar-values';

describe('calendar values', () => {
  it.each([
    ['2026-01-31', true],
    ['2024-02-29', true],
    ['0001-01-01', true],
    ['9999-12-31', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['0000-01-01', false],
    ['2026-1-1', false],
    ['275760-09-13', false],
    ['2026-01-01T00:00:00Z', false],
    [20260101, false],
  ])('date %j: %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it.each([
    ['2026-01', true],
    ['2026-12', true],
    ['2026-13', false],
    ['2026-00', false],
    ['0000-01', false],
    ['2026-1', false],
    ['2026-13-01', false],
  ])('month %j: %s', (value, expected) => {
    expect(isCalendarMonth(value)).toBe(expected);
  });

  it.each([
    ['2026-01-31T12:00:00Z', true],
    ['2026-01-31T12:00:00.123456Z', true],
    ['2026-01-31T12:00+02:00', true],
    ['2026-01-31', true],
    ['2026-02-30T00:00:00Z', false],
    ['2026-06-15T25:00:00Z', false],
    ['2026-06-15T23:60:00Z', false],
    ['2026-06-15T23:00:00+24:00', false],
    ['9999-12', false],
    ['0000-01-01T00:00:00Z', false],
    ['+275760-09-13T00:00:00Z', false],
    ['2026-01-31T12:00:00Z\u0000', false],
    ['yesterday', false],
  ])('instant %j: %s', (value, expected) => {
    expect(isInstant(value)).toBe(expected);
  });

  it('accepts every day JavaScript writes in years 1 to 9999, and parses each', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString();
          expect(isInstant(text)).toBe(true);
          expect(isCalendarDate(text.slice(0, 10))).toBe(true);
          expect(isCalendarMonth(text.slice(0, 7))).toBe(true);
        },
      ),
    );
  });
});
