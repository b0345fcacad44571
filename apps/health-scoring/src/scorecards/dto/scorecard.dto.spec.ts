import { BadRequestException } from '@nestjs/common';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { defaultMeasures } from '../domain/default-scorecard';
import { CreateScorecardDto, PatchScorecardDto, RangesMethodDto, TrendMethodDto } from './scorecard.dto';

type Problem = { path: string; message: string };

async function parse<T>(metatype: new () => T, body: unknown): Promise<T> {
  return (await requestValidationPipe().transform(body, { type: 'body', metatype })) as T;
}

async function problemsOf(metatype: new () => unknown, body: unknown): Promise<Problem[]> {
  try {
    await parse(metatype, body);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { errors: Problem[] }).errors;
  }
  throw new Error('the body was accepted');
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const measures = () => clone(defaultMeasures()) as unknown as Record<string, unknown>[];

describe('scorecard request bodies', () => {
  it('accepts the default measures, each method as the class of its kind', async () => {
    const body = await parse(CreateScorecardDto, {
      name: 'Enterprise',
      segment: 'enterprise',
      measures: [
        ...measures(),
        {
          id: 'trend',
          label: 'Trend',
          category: 'engagement',
          metric: 'sign_ins_30d',
          method: { kind: 'trend', days: 30, fullAt: 0.5 },
          direction: 'higher_is_better',
          weight: 1,
        },
      ],
    });
    expect(body.measures![0]!.method).toBeInstanceOf(RangesMethodDto);
    expect(body.measures![13]!.method).toBeInstanceOf(TrendMethodDto);
    expect(body.measures![13]!.method).toEqual({ kind: 'trend', days: 30, fullAt: 0.5 });
  });

  it.each<[string, (m: Record<string, unknown>[]) => unknown, string[]]>([
    [
      'a range whose points are not a number',
      (m) => {
        (m[2]!['method'] as { ranges: Record<string, unknown>[] }).ranges[0]!['points'] = 'many';
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[2].method.ranges[0].points'],
    ],
    [
      'an unknown method kind',
      (m) => {
        m[0]!['method'] = { kind: 'magic' };
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[0].method.kind'],
    ],
    [
      'a method without a kind',
      (m) => {
        m[1]!['method'] = { threshold: 3 };
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[1].method.threshold', 'measures[1].method.kind'],
    ],
    [
      "a field of another kind's method",
      (m) => {
        m[0]!['method'] = { kind: 'boolean', threshold: 1, ranges: [] };
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[0].method.ranges'],
    ],
    [
      'a method that is not an object',
      (m) => {
        m[0]!['method'] = 'ranges';
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[0].method'],
    ],
    [
      'an unknown metric, category and direction',
      (m) => {
        Object.assign(m[3]!, { metric: 'mood', category: 'vibes', direction: 'sideways' });
        return { name: 'x', segment: 's', measures: m };
      },
      ['measures[3].category', 'measures[3].metric', 'measures[3].direction'],
    ],
    [
      'no name, an unknown touch model and bands that are not numbers',
      () => ({ touchModel: 'medium', bands: { red: 'low', yellow: 70 } }),
      ['name', 'touchModel', 'bands.red'],
    ],
    ['an unknown field', () => ({ name: 'x', segment: 's', colour: 'red' }), ['colour']],
  ])('refuses %s, with its path', async (_name, build, paths) => {
    const problems = await problemsOf(CreateScorecardDto, build(measures()));
    expect([...new Set(problems.map((p) => p.path))].sort()).toEqual([...paths].sort());
  });

  it('accepts a patch of the bands alone', async () => {
    const patch = await parse(PatchScorecardDto, { bands: { red: 30, yellow: 60 } });
    expect(patch).toEqual({ bands: { red: 30, yellow: 60 } });
  });
});
