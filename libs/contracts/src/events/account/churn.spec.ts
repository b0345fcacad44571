import { isChurnedAccount } from './churn';

describe('isChurnedAccount', () => {
  it.each([
    [0, true],
    [-1, true],
    [null, false],
    [0.01, false],
    [500, false],
  ])('mrr %p → %p', (mrr, churned) => {
    expect(isChurnedAccount({ mrr })).toBe(churned);
  });
});
