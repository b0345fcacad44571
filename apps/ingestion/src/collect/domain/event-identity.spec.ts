import fc from 'fast-check';
import { eventId, newMessageId } from './event-identity';

describe('eventId', () => {
  it('is the same for the same workspace and messageId, and shaped as a UUID', () => {
    const a = eventId('ws_1', 'm-1');
    expect(eventId('ws_1', 'm-1')).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs across workspaces and messageIds, including ones that concatenate alike', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (w1, m1, w2, m2) => {
        fc.pre(w1 !== w2 || m1 !== m2);
        return eventId(w1, m1) !== eventId(w2, m2);
      }),
    );
    expect(eventId('ab', 'c')).not.toBe(eventId('a', 'bc'));
  });

  it('assigns distinct messageIds', () => {
    expect(newMessageId()).not.toBe(newMessageId());
  });
});
