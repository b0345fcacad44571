import { isChurnedAccount } from './churn';

describe('isChurnedAccount', () => {
  it.each([
    [0, undefined, true],
    [-1, undefined, true],
    [null, undefined, false],
    [0.01, undefined, false],
    [500, undefined, false],
    [0, null, true],
    // A free trial: an active subscription at MRR 0.
    [0, 'active', false],
    [500, 'active', false],
    // Every subscription cancelled.
    [0, 'ended', true],
    [null, 'ended', true],
    // No subscription event ever: a free account, not a lost customer.
    [0, 'none', false],
    [null, 'none', false],
  ] as const)('mrr %p, subscription %p → %p', (mrr, subscriptionStatus, churned) => {
    expect(isChurnedAccount({ mrr, subscriptionStatus })).toBe(churned);
  });
});
