import { ScorePoint, healthTrends, pointInEffectAt, scoreTrend } from './score-trend';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number, hours = 0) => new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000);
const point = (days: number, score: number | null, hours = 0): ScorePoint => ({
  at: daysAgo(days, hours),
  score,
});

describe('pointInEffectAt', () => {
  it.each<[string, ScorePoint[], Date, ScorePoint | undefined]>([
    ['no history', [], daysAgo(7), undefined],
    ['history younger than the moment', [point(3, 50)], daysAgo(7), undefined],
    ['a point exactly at the moment', [point(7, 50)], daysAgo(7), point(7, 50)],
    [
      'the latest point before the moment',
      [point(20, 40), point(8, 60), point(2, 70)],
      daysAgo(7),
      point(8, 60),
    ],
    ['whatever the order', [point(2, 70), point(8, 60), point(20, 40)], daysAgo(7), point(8, 60)],
  ])('%s', (_what, points, at, expected) => {
    expect(pointInEffectAt(points, at)).toEqual(expected);
  });
});

describe('scoreTrend', () => {
  it.each<[string, number | null, ScorePoint[], number, number | null]>([
    ['up since a week ago', 72, [point(10, 60), point(1, 70)], 7, 12],
    ['down since a month ago', 35, [point(40, 80), point(20, 50)], 30, -45],
    ['flat', 50, [point(8, 50)], 7, 0],
    ['the point in effect, not the nearest one', 50, [point(7, 30, 1), point(6, 90, 23)], 7, 20],
    ['no history that old', 50, [point(6, 40)], 7, null],
    ['no history at all', 50, [], 30, null],
    ['no score now', null, [point(8, 40)], 7, null],
    ['no score then', 50, [point(8, null)], 7, null],
    ['rounded to one decimal, no float noise', 70.3, [point(8, 70.1)], 7, 0.2],
  ])('%s', (_what, current, points, days, expected) => {
    expect(scoreTrend(current, points, now, days)).toBe(expected);
  });
});

describe('healthTrends', () => {
  it('gives both horizons from one history', () => {
    const points = [point(45, 20), point(29, 40), point(10, 55), point(5, 65)];
    expect(healthTrends(60, points, now)).toEqual({ trend7d: 5, trend30d: 40 });
  });

  it('gives the week but not the month for a young account', () => {
    expect(healthTrends(60, [point(12, 50)], now)).toEqual({ trend7d: 10, trend30d: null });
  });
});
