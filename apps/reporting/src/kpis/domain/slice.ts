/** The attributes a KPI can be sliced by, as they stood at some instant. */
export interface SliceAttributes {
  readonly segment: string | null;
  readonly touchModel: string | null;
  readonly phase: string | null;
  /** The account's owner (its CSM). */
  readonly owner: string | null;
  readonly plan: string | null;
}

export const SLICE_ATTRIBUTES = ['segment', 'touchModel', 'phase', 'owner', 'plan'] as const;
export type SliceAttribute = (typeof SLICE_ATTRIBUTES)[number];

/**
 * Where an attribute fact comes from: a `group` call (its traits, at the call's event time) or a
 * `profile` (health-scoring's account.updated, at the time it scored the account).
 */
export type AttributeSource = 'group' | 'profile';

/**
 * What one event said about an account's attributes, from `at` (epoch milliseconds, event time)
 * on: null for an attribute the event did not set (a group call carries only some traits).
 */
export interface AttributeFact extends SliceAttributes {
  readonly at: number;
  readonly eventId: string;
  readonly source: AttributeSource;
}

/** One version of an account's attributes (SCD type 2): in effect for instants in [from, to). */
export interface AttributeVersion extends SliceAttributes {
  /** null: since always (the earliest version also stands for the time before it). */
  readonly from: number | null;
  /** null: still in effect. */
  readonly to: number | null;
}

export const NO_ATTRIBUTES: SliceAttributes = {
  segment: null,
  touchModel: null,
  phase: null,
  owner: null,
  plan: null,
};

/** Facts in event-time order (ties by event id, so that every replay orders them the same). */
export function compareFacts(a: AttributeFact, b: AttributeFact): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * The facts that decide one attribute: group calls when any of them set it (segment, owner and
 * plan are the customer's own traits, versioned by the call's event time), else the profiles
 * (touch model and phase, which health-scoring derives; and the traits of an account whose group
 * calls are no longer on the topic). Sorted, with a value.
 */
function factsFor(facts: readonly AttributeFact[], attribute: SliceAttribute): AttributeFact[] {
  const withValue = facts.filter((f) => f[attribute] !== null);
  const fromGroup = withValue.filter((f) => f.source === 'group');
  return (fromGroup.length > 0 ? fromGroup : withValue).sort(compareFacts);
}

/**
 * The account's attributes at instant `at`: for each attribute, the value of its latest fact at
 * or before `at`; before its first fact, the value of that first fact (an account is counted
 * with the earliest attributes it ever had, so that a group call sent after the events it
 * describes, or a profile scored after imported history, also covers the time before it).
 */
export function attributesAt(facts: readonly AttributeFact[], at: number): SliceAttributes {
  return Object.fromEntries(
    SLICE_ATTRIBUTES.map((attribute) => {
      const own = factsFor(facts, attribute);
      // Before the first instant, the account is as it was at that instant (the last of the
      // facts that share it, as at every instant).
      const until = Math.max(at, own[0]?.at ?? at);
      let value: string | null = null;
      for (const f of own) {
        if (f.at > until) break;
        value = f[attribute];
      }
      return [attribute, value];
    }),
  ) as unknown as SliceAttributes;
}

/**
 * The account's attribute versions (SCD type 2), from the first to the last, each in effect on
 * [from, to): a version starts at every instant where a fact changes some attribute; the first
 * has no start and the last no end. Whatever order the facts arrived in, the same versions.
 */
export function attributeVersions(facts: readonly AttributeFact[]): AttributeVersion[] {
  const instants = [...new Set(facts.map((f) => f.at))].sort((a, b) => a - b);
  const versions: AttributeVersion[] = [];
  let current: SliceAttributes | undefined;
  for (const at of instants) {
    const attrs = attributesAt(facts, at);
    if (current && sameAttributes(current, attrs)) continue;
    if (current) versions[versions.length - 1] = { ...versions[versions.length - 1]!, to: at };
    versions.push({ ...attrs, from: versions.length === 0 ? null : at, to: null });
    current = attrs;
  }
  return versions;
}

/** The version in effect just before `before` (the end of a month): the one with from < before ≤ to. */
export function versionBefore(versions: readonly AttributeVersion[], before: number): SliceAttributes {
  for (const v of versions)
    if ((v.from === null || v.from < before) && (v.to === null || before <= v.to)) return v;
  return NO_ATTRIBUTES;
}

export function sameAttributes(a: SliceAttributes, b: SliceAttributes): boolean {
  return SLICE_ATTRIBUTES.every((attribute) => a[attribute] === b[attribute]);
}

/** '' stands for "not set" in stored slice columns (they are part of keys). */
export const sliceValue = (value: string | null): string => value ?? '';
