import { CS_EVENTS, FieldProblem } from '@tsuzuku/contracts';

/** One mapping of a workspace's tracking plan, as the API takes and answers it. */
export interface EventMapping {
  /** The event name the customer sends. */
  readonly name: string;
  /** The CS event it stands for; absent when `name` already is one (only its values are mapped). */
  readonly mapsTo?: string;
  /** Per property: the customer's value → Tsuzuku's value (e.g. priority: { urgent: "p1" }). */
  readonly properties?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface TrackingPlan {
  readonly events: readonly EventMapping[];
}

export const EMPTY_TRACKING_PLAN: TrackingPlan = { events: [] };
export const MAX_MAPPINGS = 500;
export const MAX_VALUES_PER_PROPERTY = 100;

const CS_EVENT_NAMES: ReadonlySet<string> = new Set(CS_EVENTS);

/** True when `name` is an event of the CS spec. */
export function isCsEvent(name: string): boolean {
  return CS_EVENT_NAMES.has(name);
}

/**
 * What the DTOs cannot say: every mapping lands on a CS event, a CS event is never mapped onto
 * another (so no mapping chains or cycles), a name is mapped once, and values map onto strings.
 */
export function trackingPlanProblems(plan: TrackingPlan): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  if (plan.events.length > MAX_MAPPINGS)
    problems.push({ path: 'events', message: `has more than ${MAX_MAPPINGS} mappings` });
  plan.events.forEach((mapping, i) => {
    const at = `events[${i}]`;
    if (seen.has(mapping.name))
      problems.push({ path: `${at}.name`, message: `"${mapping.name}" is mapped more than once` });
    seen.add(mapping.name);
    const target = mapping.mapsTo ?? mapping.name;
    if (mapping.mapsTo !== undefined && !isCsEvent(mapping.mapsTo))
      problems.push({
        path: `${at}.mapsTo`,
        message: `"${mapping.mapsTo}" is not an event of the CS spec (see docs/events.md)`,
      });
    else if (isCsEvent(mapping.name) && target !== mapping.name)
      problems.push({
        path: `${at}.mapsTo`,
        message: `"${mapping.name}" is a CS event; it cannot be mapped onto another`,
      });
    else if (mapping.mapsTo === undefined && !isCsEvent(mapping.name))
      problems.push({
        path: `${at}.mapsTo`,
        message: `is required: "${mapping.name}" is not an event of the CS spec`,
      });
    else if (mapping.mapsTo === undefined && !mapping.properties)
      problems.push({ path: at, message: 'maps nothing: give mapsTo or properties' });
    for (const [property, values] of Object.entries(mapping.properties ?? {})) {
      const path = `${at}.properties.${property}`;
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        problems.push({ path, message: 'must be an object of customer value → Tsuzuku value' });
        continue;
      }
      const entries = Object.entries(values);
      if (entries.length === 0) problems.push({ path, message: 'maps no value' });
      if (entries.length > MAX_VALUES_PER_PROPERTY)
        problems.push({ path, message: `maps more than ${MAX_VALUES_PER_PROPERTY} values` });
      for (const [from, to] of entries)
        if (typeof to !== 'string' || to.length === 0 || to.length > 200)
          problems.push({ path: `${path}.${from}`, message: 'must be a string of 1 to 200 characters' });
    }
  });
  return problems;
}

/** A plan compiled for the collect path: one Map lookup per track event. */
export interface CompiledPlan {
  readonly size: number;
  readonly byName: ReadonlyMap<string, CompiledMapping>;
}

interface CompiledMapping {
  readonly event: string;
  readonly renamed: boolean;
  readonly values: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function compilePlan(plan: TrackingPlan): CompiledPlan {
  const byName = new Map<string, CompiledMapping>();
  for (const mapping of plan.events) {
    const values = new Map<string, ReadonlyMap<string, string>>();
    for (const [property, map] of Object.entries(mapping.properties ?? {}))
      values.set(property, new Map(Object.entries(map)));
    const event = mapping.mapsTo ?? mapping.name;
    byName.set(mapping.name, { event, renamed: event !== mapping.name, values });
  }
  return { size: byName.size, byName };
}

export const EMPTY_COMPILED_PLAN = compilePlan(EMPTY_TRACKING_PLAN);

/**
 * The call with the plan applied, or the call itself when the plan maps nothing of it. A mapped
 * call keeps what the customer sent in `context.tsuzuku` ({ originalEvent, originalProperties }),
 * a place consumers do not read.
 */
export function applyPlan(plan: CompiledPlan, item: unknown, expectedType: string | undefined): unknown {
  if (plan.size === 0 || typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  if (!isTrackCall(item, expectedType)) return item;
  const call = item as Record<string, unknown>;
  const event = call['event'] as string;
  const mapping = plan.byName.get(event);
  if (!mapping) return item;
  const original: Record<string, unknown> = {};
  const given = call['properties'];
  let properties = given;
  if (mapping.values.size > 0 && typeof given === 'object' && given !== null && !Array.isArray(given)) {
    const copy = { ...(given as Record<string, unknown>) };
    for (const [property, values] of mapping.values) {
      const value = copy[property];
      const mapped = typeof value === 'string' ? values.get(value) : undefined;
      if (mapped === undefined) continue;
      original[property] = value;
      copy[property] = mapped;
    }
    properties = copy;
  }
  if (!mapping.renamed && Object.keys(original).length === 0) return item;
  const context = call['context'];
  const trace: Record<string, unknown> = {};
  if (mapping.renamed) trace['originalEvent'] = event;
  if (Object.keys(original).length > 0) trace['originalProperties'] = original;
  return {
    ...call,
    event: mapping.event,
    ...(properties === undefined ? {} : { properties }),
    // A context that is no object is left for the validation to refuse.
    context: isObject(context)
      ? { ...context, tsuzuku: trace }
      : context === undefined
        ? { tsuzuku: trace }
        : context,
  };
}

/** True for a track call that names its event: the only calls a plan can map. */
export function isTrackCall(item: unknown, expectedType: string | undefined): boolean {
  if (!isObject(item)) return false;
  return typeof item['event'] === 'string' && (expectedType ?? item['type']) === 'track';
}

export const MAX_SAMPLE_BYTES = 2048;

/** One call's properties as a sample, or their first keys when they are over MAX_SAMPLE_BYTES. */
export function sampleOf(properties: Record<string, unknown> | undefined): Record<string, unknown> {
  const value = properties ?? {};
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) <= MAX_SAMPLE_BYTES) return value;
  return {
    truncated: true,
    keys: Object.keys(value)
      .slice(0, 50)
      .map((k) => k.slice(0, 100)),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
