import { Range } from './scorecard';

/**
 * Contiguous ranges open at both ends, written as a step function: the points below the first
 * bound, then each bound followed by the points from it on. `[0, 0.1, 25, 0.3, 100]` reads
 * "0 below 0.1, 25 from 0.1 to 0.3, 100 from 0.3".
 */
export function stepRanges(steps: readonly number[]): Range[] {
  if (steps.length < 3 || steps.length % 2 === 0) {
    throw new Error(
      `a step function needs points, then pairs of bound and points: got ${steps.length} numbers`,
    );
  }
  const ranges: Range[] = [{ to: steps[1]!, points: steps[0]! }];
  for (let i = 2; i < steps.length - 1; i += 2) {
    ranges.push({ from: steps[i - 1]!, to: steps[i + 1]!, points: steps[i]! });
  }
  ranges.push({ from: steps[steps.length - 2]!, points: steps[steps.length - 1]! });
  return ranges;
}
