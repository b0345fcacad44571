import { testAccountUpdated, testCustomerEvent } from '@tsuzuku/platform-testing';
import { isIdempotentSignal } from './signal-claims';

describe('isIdempotentSignal', () => {
  const at = '2026-03-01T10:00:00.000Z';

  it('needs no claim for a track event other than a subscription start', () => {
    expect(isIdempotentSignal(testCustomerEvent('w', 'a', at, { event: 'Signed In' }))).toBe(true);
    expect(isIdempotentSignal(testCustomerEvent('w', 'a', at, { event: 'Report Exported' }))).toBe(true);
  });

  it('claims subscription starts, group and identify calls, and every other envelope', () => {
    expect(isIdempotentSignal(testCustomerEvent('w', 'a', at, { event: 'Subscription Started' }))).toBe(
      false,
    );
    expect(
      isIdempotentSignal(testCustomerEvent('w', 'a', at, { call: 'group', event: undefined, groupId: 'a' })),
    ).toBe(false);
    expect(isIdempotentSignal(testCustomerEvent('w', 'a', at, { call: 'identify', event: undefined }))).toBe(
      false,
    );
    expect(isIdempotentSignal(testAccountUpdated('w', 'a'))).toBe(false);
  });
});
