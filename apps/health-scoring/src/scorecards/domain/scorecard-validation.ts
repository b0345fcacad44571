import { Bands, CATEGORIES, METRICS, Measure, Range, ScoringMethod } from './scorecard';

/** What is wrong with a scorecard, and where (e.g. `measures[2].method.ranges[0].points`). */
export interface ScorecardProblem {
  readonly path: string;
  readonly message: string;
}

/** The part of a scorecard that decides scores. */
export interface ScorecardDefinition {
  readonly measures: readonly Measure[];
  readonly bands: Bands;
}

export const DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;
export const SCORING_METHOD_KINDS = ['ranges', 'trend', 'percentile', 'boolean'] as const;

const isFiniteNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const oneOf = (values: readonly string[]) => values.join(', ');

/**
 * Every problem of a scorecard definition, beyond its shape: the rules that make the calculator's
 * result meaningful. Defensive about values from outside (JSON), so it never throws. Empty when
 * the definition is valid.
 */
export function validateScorecard(definition: ScorecardDefinition): ScorecardProblem[] {
  const problems: ScorecardProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const measures: readonly Measure[] = Array.isArray(definition.measures) ? definition.measures : [];
  if (measures.length === 0) add('measures', 'a scorecard needs at least one measure');
  const firstIndexOfId = new Map<string, number>();
  measures.forEach((measure, i) => {
    const at = `measures[${i}]`;
    if (typeof measure !== 'object' || measure === null) {
      add(at, 'must be an object');
      return;
    }
    if (typeof measure.id !== 'string' || measure.id.length === 0)
      add(`${at}.id`, 'must be a non-empty string');
    else {
      const first = firstIndexOfId.get(measure.id);
      if (first === undefined) firstIndexOfId.set(measure.id, i);
      else add(`${at}.id`, `duplicate measure id "${measure.id}" (also measures[${first}])`);
    }
    if (!(METRICS as readonly unknown[]).includes(measure.metric))
      add(`${at}.metric`, `must be one of ${oneOf(METRICS)}`);
    if (!(CATEGORIES as readonly unknown[]).includes(measure.category))
      add(`${at}.category`, `must be one of ${oneOf(CATEGORIES)}`);
    if (!(DIRECTIONS as readonly unknown[]).includes(measure.direction))
      add(`${at}.direction`, `must be one of ${oneOf(DIRECTIONS)}`);
    if (!isFiniteNumber(measure.weight) || measure.weight <= 0)
      add(`${at}.weight`, 'must be a number greater than 0');
    methodProblems(measure.method, `${at}.method`, add);
  });

  bandProblems(definition.bands, add);
  return problems;
}

function methodProblems(
  method: ScoringMethod | undefined,
  at: string,
  add: (path: string, message: string) => void,
): void {
  if (typeof method !== 'object' || method === null) {
    add(at, 'must be an object');
    return;
  }
  switch (method.kind) {
    case 'ranges':
      rangeProblems(method.ranges, `${at}.ranges`, add);
      return;
    case 'trend':
      if (!Number.isInteger(method.days) || method.days < 1 || method.days > 365)
        add(`${at}.days`, 'must be a whole number of days from 1 to 365');
      if (!isFiniteNumber(method.fullAt) || method.fullAt <= 0)
        add(`${at}.fullAt`, 'must be a number greater than 0 (the relative change that scores 0 or 100)');
      return;
    case 'boolean':
      if (!isFiniteNumber(method.threshold)) add(`${at}.threshold`, 'must be a number');
      return;
    case 'percentile':
      return;
    default:
      add(`${at}.kind`, `must be one of ${oneOf(SCORING_METHOD_KINDS)}`);
  }
}

/**
 * Ranges go up: each one starts where the previous one ended or later (a gap scores nothing, an
 * overlap would be ambiguous), only the first may be open below and only the last open above.
 */
function rangeProblems(
  ranges: readonly Range[] | undefined,
  at: string,
  add: (path: string, message: string) => void,
): void {
  if (!Array.isArray(ranges) || ranges.length === 0) {
    add(at, 'a ranges method needs at least one range');
    return;
  }
  let previousTo: number | undefined;
  ranges.forEach((range, i) => {
    const here = `${at}[${i}]`;
    if (typeof range !== 'object' || range === null) {
      add(here, 'must be an object');
      return;
    }
    const { from, to, points } = range;
    if (!isFiniteNumber(points) || points < 0 || points > 100)
      add(`${here}.points`, 'must be a number from 0 to 100');
    const fromOk = from === undefined || isFiniteNumber(from);
    const toOk = to === undefined || isFiniteNumber(to);
    if (!fromOk) add(`${here}.from`, 'must be a number');
    if (!toOk) add(`${here}.to`, 'must be a number');
    if (from === undefined && i > 0) add(`${here}.from`, 'only the first range may be open below (no from)');
    if (to === undefined && i < ranges.length - 1)
      add(`${here}.to`, 'only the last range may be open above (no to)');
    if (fromOk && toOk && from !== undefined && to !== undefined && from >= to)
      add(`${here}.to`, `must be greater than from (${from})`);
    if (fromOk && from !== undefined && previousTo !== undefined && from < previousTo)
      add(
        `${here}.from`,
        `overlaps or precedes ${at}[${i - 1}]: ranges must be in ascending order, each from at least the previous to (${previousTo})`,
      );
    previousTo = toOk ? to : undefined;
  });
}

function bandProblems(bands: Bands | undefined, add: (path: string, message: string) => void): void {
  if (typeof bands !== 'object' || bands === null) {
    add('bands', 'must be an object with red and yellow');
    return;
  }
  const { red, yellow } = bands;
  const redOk = isFiniteNumber(red) && red > 0 && red <= 100;
  const yellowOk = isFiniteNumber(yellow) && yellow > 0 && yellow <= 100;
  if (!redOk) add('bands.red', 'must be a number greater than 0 and at most 100');
  if (!yellowOk) add('bands.yellow', 'must be a number greater than 0 and at most 100');
  if (redOk && yellowOk && red >= yellow)
    add('bands.yellow', `must be greater than red (${red}): 0 < red < yellow <= 100`);
}
