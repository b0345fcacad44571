import { stepRanges } from './step-ranges';

describe('stepRanges', () => {
  it('opens the first range below and the last above, with the bounds between', () => {
    expect(stepRanges([0, 0.1, 25, 0.3, 100])).toEqual([
      { to: 0.1, points: 0 },
      { from: 0.1, to: 0.3, points: 25 },
      { from: 0.3, points: 100 },
    ]);
  });

  it('makes two ranges of one bound', () => {
    expect(stepRanges([100, 1, 0])).toEqual([
      { to: 1, points: 100 },
      { from: 1, points: 0 },
    ]);
  });

  it.each([[[]], [[5]], [[5, 1]], [[0, 1, 50, 2]]])('refuses %j: not points between bounds', (steps) => {
    expect(() => stepRanges(steps)).toThrow('a step function');
  });
});
