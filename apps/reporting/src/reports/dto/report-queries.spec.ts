import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationProblems } from '@tsuzuku/platform-config';
import { formatMonth, monthOf } from '../../kpis/domain/month';
import { InvalidCursorException } from '@tsuzuku/platform-runtime';
import { MOVEMENTS_CURSOR } from '../movements-cursor';
import {
  DateRangeQuery,
  HealthDistributionQuery,
  KpiQuery,
  MovementsQuery,
  monthRangeProblem,
} from './report-queries';

const problems = async <T extends object>(type: new () => T, plain: object) =>
  validationProblems(
    await validate(plainToInstance(type, plain), { whitelist: true, forbidNonWhitelisted: true }),
  ).map((p) => `${p.path}: ${p.message}`);

const current = formatMonth(monthOf(Date.now()));
const next = formatMonth(monthOf(Date.now()) + 1);

describe('report queries', () => {
  it.each<[string, object, string[]]>([
    [
      'a valid range with a slice',
      {
        from: '2025-01',
        to: current,
        segment: 'smb',
        touchModel: 'high',
        phase: 'renewal',
        owner: 'a@b.c',
        plan: 'pro',
      },
      [],
    ],
    ['one month', { from: current, to: current }, []],
    ['nothing', {}, ['from: must be a month, YYYY-MM', 'to: must be a month, YYYY-MM']],
    [
      'a month 13 and a day',
      { from: '2026-13', to: '2026-01-05' },
      ['from: must be a month, YYYY-MM', 'to: must be a month, YYYY-MM'],
    ],
    ['to before from', { from: '2025-06', to: '2025-05' }, ['to: must not be before from']],
    ['the future', { from: '2025-06', to: next }, [`to: must not be after the current month (${current})`]],
    ['more than 120 months', { from: '2000-01', to: '2010-01' }, ['to: at most 120 months']],
    [
      'unknown touch model and phase, and a field that is no filter',
      { from: '2025-01', to: '2025-02', touchModel: 'none', phase: 'churned', mrr: '100' },
      [
        'mrr: property mrr should not exist',
        'touchModel: must be one of the following values: high, low, tech',
        'phase: must be one of the following values: onboarding, adoption, expansion, renewal',
      ],
    ],
  ])('KPI query: %s', async (_name, plain, expected) => {
    expect(await problems(KpiQuery, plain)).toEqual(expected);
  });

  it.each<[string, object, string[]]>([
    [
      'detail with a limit and a cursor',
      {
        from: '2025-01',
        to: '2025-02',
        detail: 'true',
        limit: '50',
        cursor: MOVEMENTS_CURSOR.encode({ at: '2025-01-02T00:00:00.000Z', accountId: 'a' }),
      },
      [],
    ],
    [
      'a bad limit and detail',
      { from: '2025-01', to: '2025-02', detail: 'yes', limit: '0' },
      ['detail: must be a boolean value', 'limit: must not be less than 1'],
    ],
  ])('movements query: %s', async (_name, plain, expected) => {
    expect(await problems(MovementsQuery, plain)).toEqual(expected);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['an impossible date', MOVEMENTS_CURSOR.encode({ at: '2026-02-30T00:00:00Z', accountId: 'a' })],
    ['a NUL in the account', MOVEMENTS_CURSOR.encode({ at: '2026-01-01T00:00:00Z', accountId: 'a\u0000' })],
    [
      'another list',
      Buffer.from(JSON.stringify(['alerts', '2026-01-01T00:00:00Z', 'a'])).toString('base64url'),
    ],
  ])('movements query: refuses a cursor with %s as invalid_cursor, before any query', (_name, cursor) => {
    expect(() => plainToInstance(MovementsQuery, { from: '2025-01', to: '2025-02', cursor })).toThrow(
      InvalidCursorException,
    );
  });

  it.each<[string, object, string[]]>([
    ['a valid range', { from: '2026-01-01', to: '2026-03-31' }, []],
    [
      'February 30th and a word',
      { from: '2026-02-30', to: 'today' },
      ['from: must be a date that exists, YYYY-MM-DD', 'to: must be a date that exists, YYYY-MM-DD'],
    ],
    [
      'month 13 and year 0',
      { from: '2026-13-01', to: '0000-01-01' },
      ['from: must be a date that exists, YYYY-MM-DD', 'to: must be a date that exists, YYYY-MM-DD'],
    ],
    ['to before from', { from: '2026-03-02', to: '2026-03-01' }, ['to: must not be before from']],
    ['more than 731 days', { from: '2024-01-01', to: '2026-01-01' }, ['to: at most 731 days']],
  ])('date range: %s', async (_name, plain, expected) => {
    expect(await problems(DateRangeQuery, plain)).toEqual(expected);
  });

  it('accepts day and week intervals only', async () => {
    expect(
      await problems(HealthDistributionQuery, { from: '2026-01-01', to: '2026-01-31', interval: 'week' }),
    ).toEqual([]);
    expect(
      await problems(HealthDistributionQuery, { from: '2026-01-01', to: '2026-01-31', interval: 'month' }),
    ).toEqual(['interval: must be one of the following values: day, week']);
  });

  it('judges a month range against the given clock', () => {
    const now = Date.UTC(2026, 5, 15);
    expect(monthRangeProblem('2026-01', '2026-06', now)).toBeUndefined();
    expect(monthRangeProblem('2026-01', '2026-07', now)).toBe(
      'to must not be after the current month (2026-06)',
    );
    expect(monthRangeProblem('nope', '2026-07', now)).toBeUndefined();
  });
});
