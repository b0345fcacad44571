import { plainToInstance } from 'class-transformer';
import { IsInt, Max, Min, validateSync } from 'class-validator';
import { IntSetting } from './int-setting';
import { ToNumber } from './transforms';
import { validationProblems } from './validation-problems';

class Stacked {
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(100)
  BOUNDED = 50;

  @ToNumber()
  @IsInt()
  @Min(1)
  OPEN = 5;
}

class Declared {
  @IntSetting(10, 100)
  BOUNDED = 50;

  @IntSetting(1)
  OPEN = 5;
}

const problems = (type: new () => object, env: Record<string, string>) =>
  validationProblems(validateSync(plainToInstance(type, env)));

describe('IntSetting', () => {
  it.each([
    { BOUNDED: '20', OPEN: '7' },
    { BOUNDED: '5.5', OPEN: '0' },
    { BOUNDED: '500', OPEN: 'many' },
    { BOUNDED: '', OPEN: '-1.5' },
  ])('reads and refuses %j as the stacked decorators do, problems in the same order', (env) => {
    expect(problems(Declared, env)).toEqual(problems(Stacked, env));
  });

  it('names every problem of a bad value', () => {
    expect(problems(Declared, { BOUNDED: '500.5', OPEN: 'many' }).map((p) => p.path)).toEqual([
      'BOUNDED',
      'BOUNDED',
      'OPEN',
      'OPEN',
    ]);
  });

  it('reads a number from the environment string', () => {
    expect(plainToInstance(Declared, { BOUNDED: '20', OPEN: '7' })).toEqual({ BOUNDED: 20, OPEN: 7 });
    expect(problems(Declared, { BOUNDED: '20', OPEN: '7' })).toEqual([]);
  });
});
