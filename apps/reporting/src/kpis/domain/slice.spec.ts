import fc from 'fast-check';
import { AttributeFact, SLICE_ATTRIBUTES, attributeVersions, attributesAt, versionBefore } from './slice';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const fact = (
  day: number,
  eventId: string,
  set: Partial<AttributeFact>,
  source: AttributeFact['source'] = 'group',
): AttributeFact => ({
  at: T0 + day * DAY,
  eventId,
  source,
  segment: null,
  touchModel: null,
  phase: null,
  owner: null,
  plan: null,
  ...set,
});

describe('attributes by event time', () => {
  it('takes for each attribute its latest fact at or before the instant, else its earliest', () => {
    const facts = [
      fact(40, 'b', { segment: 'mid' }),
      fact(10, 'a', { segment: 'smb', owner: 'ann' }),
      fact(70, 'c', { owner: 'bob', plan: 'pro' }),
    ];
    const at = (day: number) => attributesAt(facts, T0 + day * DAY);
    // before every fact: the earliest value of each attribute (plan's earliest is day 70's)
    expect(at(0)).toMatchObject({ segment: 'smb', owner: 'ann', plan: 'pro' });
    expect(at(10)).toMatchObject({ segment: 'smb', owner: 'ann' });
    expect(at(39)).toMatchObject({ segment: 'smb', owner: 'ann' });
    // a group call that sets only the owner leaves the segment as it was
    expect(at(40)).toMatchObject({ segment: 'mid', owner: 'ann' });
    expect(at(70)).toMatchObject({ segment: 'mid', owner: 'bob', plan: 'pro' });
    expect(attributesAt([], T0)).toEqual({
      segment: null,
      touchModel: null,
      phase: null,
      owner: null,
      plan: null,
    });
  });

  it('prefers group calls over profiles for an attribute any group call set; profiles give the rest', () => {
    const facts = [
      fact(90, 'p1', { segment: 'stale', touchModel: 'high', phase: 'adoption' }, 'profile'),
      fact(5, 'g1', { segment: 'ent' }),
      fact(95, 'p2', { segment: 'stale', touchModel: 'low', phase: 'renewal' }, 'profile'),
    ];
    expect(attributesAt(facts, T0 + 91 * DAY)).toMatchObject({
      segment: 'ent',
      touchModel: 'high',
      phase: 'adoption',
    });
    expect(attributesAt(facts, T0 + 96 * DAY)).toMatchObject({ segment: 'ent', touchModel: 'low' });
    // without any group call, the profile's segment is used
    expect(attributesAt(facts.slice(0, 1), T0).segment).toBe('stale');
  });

  it('cuts versions where an attribute changes; the first stands for all time before it', () => {
    const facts = [
      fact(10, 'a', { segment: 'smb' }),
      fact(20, 'b', { segment: 'smb' }), // no change: no version
      fact(60, 'c', { segment: 'ent' }),
    ];
    const versions = attributeVersions(facts);
    expect(versions.map((v) => [v.from, v.to, v.segment])).toEqual([
      [null, T0 + 60 * DAY, 'smb'],
      [T0 + 60 * DAY, null, 'ent'],
    ]);
    // the end of a month: the version in effect just before it
    expect(versionBefore(versions, T0 + 60 * DAY).segment).toBe('smb');
    expect(versionBefore(versions, T0 + 60 * DAY + 1).segment).toBe('ent');
    expect(versionBefore(versions, T0 - DAY).segment).toBe('smb');
    expect(attributeVersions([])).toEqual([]);
  });

  const arbitraryFact = fc.record({
    day: fc.integer({ min: 0, max: 120 }),
    eventId: fc.string({ minLength: 1, maxLength: 4 }),
    source: fc.constantFrom('group' as const, 'profile' as const),
    segment: fc.constantFrom(null, 'smb', 'mid', 'ent'),
    touchModel: fc.constantFrom(null, 'high', 'low'),
    phase: fc.constantFrom(null, 'onboarding', 'renewal'),
    owner: fc.constantFrom(null, 'ann', 'bob'),
    plan: fc.constantFrom(null, 'pro', 'team'),
  });
  const toFacts = (list: { day: number; eventId: string }[]) =>
    list.map(({ day, ...rest }, i) => ({ ...rest, eventId: `${rest.eventId}-${i}`, at: T0 + day * DAY }));

  it('gives the same versions whatever order the facts arrive in, and they agree with attributesAt', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryFact, { maxLength: 12 }).chain((list) =>
          fc.tuple(
            fc.constant(toFacts(list) as AttributeFact[]),
            fc.shuffledSubarray(toFacts(list), {
              minLength: list.length,
              maxLength: list.length,
            }) as fc.Arbitrary<AttributeFact[]>,
          ),
        ),
        fc.integer({ min: -5, max: 130 }),
        ([facts, shuffled], day) => {
          const versions = attributeVersions(facts);
          expect(attributeVersions(shuffled)).toEqual(versions);
          const before = T0 + day * DAY;
          const expected = attributesAt(facts, before - 1);
          const got = versionBefore(versions, before);
          for (const attribute of SLICE_ATTRIBUTES) expect(got[attribute]).toBe(expected[attribute]);
          // versions tile time: each starts where the previous ends
          for (let i = 1; i < versions.length; i++) expect(versions[i]!.from).toBe(versions[i - 1]!.to);
        },
      ),
    );
  });
});
