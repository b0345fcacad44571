import { checkSegmentCall } from '@tsuzuku/contracts';
import { applyPlan, compilePlan, sampleOf, trackingPlanProblems, MAX_SAMPLE_BYTES } from './tracking-plan';

const plan = compilePlan({
  events: [
    { name: 'User Logged In', mapsTo: 'Signed In' },
    { name: 'Ticket Opened', properties: { priority: { urgent: 'p1', low: 'p4' } } },
  ],
});

describe('tracking plan', () => {
  it.each([
    [{ events: [{ name: 'login', mapsTo: 'Signed In' }] }, []],
    [{ events: [{ name: 'Ticket Opened', properties: { priority: { urgent: 'p1' } } }] }, []],
    [{ events: [{ name: 'login', mapsTo: 'Logged In' }] }, ['events[0].mapsTo']],
    [{ events: [{ name: 'Signed In', mapsTo: 'Meeting Held' }] }, ['events[0].mapsTo']],
    [{ events: [{ name: 'login' }] }, ['events[0].mapsTo']],
    [{ events: [{ name: 'Signed In' }] }, ['events[0]']],
    [
      {
        events: [
          { name: 'a', mapsTo: 'Signed In' },
          { name: 'a', mapsTo: 'Meeting Held' },
        ],
      },
      ['events[1].name'],
    ],
    [
      { events: [{ name: 'Ticket Opened', properties: { priority: {} } }] },
      ['events[0].properties.priority'],
    ],
    [
      { events: [{ name: 'Ticket Opened', properties: { priority: { urgent: 1 as unknown as string } } }] },
      ['events[0].properties.priority.urgent'],
    ],
  ])('checks %j', (input, paths) => {
    expect(trackingPlanProblems(input).map((p) => p.path)).toEqual(paths);
  });

  it('renames a mapped event and keeps the original name in context.tsuzuku', () => {
    const mapped = applyPlan(plan, { userId: 'u', event: 'User Logged In', context: { ip: '1' } }, 'track');
    expect(mapped).toEqual({
      userId: 'u',
      event: 'Signed In',
      context: { ip: '1', tsuzuku: { originalEvent: 'User Logged In' } },
    });
  });

  it('maps property values so that a call refused as sent passes the CS spec', () => {
    const call = {
      type: 'track',
      userId: 'u',
      event: 'Ticket Opened',
      properties: { ticket_id: 't', priority: 'urgent' },
    };
    expect(checkSegmentCall(call).ok).toBe(false);
    const mapped = applyPlan(plan, call, undefined);
    const check = checkSegmentCall(mapped);
    expect(check.ok && check.call.properties).toEqual({ ticket_id: 't', priority: 'p1' });
    expect(call.properties.priority).toBe('urgent');
  });

  it('leaves alone what the plan does not name, other call types and unmapped values', () => {
    const other = { type: 'track', userId: 'u', event: 'Meeting Held' };
    expect(applyPlan(plan, other, undefined)).toBe(other);
    const identify = { type: 'identify', userId: 'u', event: 'User Logged In' };
    expect(applyPlan(plan, identify, undefined)).toBe(identify);
    const normal = { userId: 'u', event: 'Ticket Opened', properties: { ticket_id: 't', priority: 'p2' } };
    expect(applyPlan(plan, normal, 'track')).toBe(normal);
  });

  it('keeps small samples whole and cuts large ones to their keys', () => {
    expect(sampleOf({ a: 1 })).toEqual({ a: 1 });
    const big = { text: 'x'.repeat(MAX_SAMPLE_BYTES) };
    expect(sampleOf(big)).toEqual({ truncated: true, keys: ['text'] });
  });
});
