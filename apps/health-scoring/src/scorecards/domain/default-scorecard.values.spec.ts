import { createHash } from 'node:crypto';
import { defaultMeasures } from './default-scorecard';

/**
 * The default scorecard's measures as they were when its table was last changed on purpose: any
 * change to a metric, label, category, weight, range or direction changes this digest.
 */
const DEFAULT_MEASURES_SHA256 = '204f6d7d2bb5307003eaaf77065e2c0bd6cadf8a57fcfd4ceb249c788ed90b71';

describe('the default scorecard', () => {
  it('has the measures it was written with, to the last key', () => {
    const digest = createHash('sha256').update(JSON.stringify(defaultMeasures())).digest('hex');
    expect(digest).toBe(DEFAULT_MEASURES_SHA256);
  });
});
