import {
  ALERT_RULE_TYPES,
  ALERT_SEVERITIES,
  AlertRuleType,
  AlertSeverity,
  HEALTH_BANDS,
  HealthBand,
  LIFECYCLE_PHASES,
  LifecyclePhase,
  TOUCH_MODELS,
  TouchModel,
} from '@tsuzuku/contracts';
import { DEFAULT_GRACE_DAYS, RuleDefinition, RuleParamsByType } from './alert-rule';

/** A field at fault, with its path in the request body. */
export interface RuleProblem {
  readonly path: string;
  readonly message: string;
}

export type RuleParsing =
  | { readonly ok: true; readonly rule: RuleDefinition }
  | { readonly ok: false; readonly problems: readonly RuleProblem[] };

const MAX_COOLDOWN_MINUTES = 365 * 24 * 60;
const MAX_GRACE_DAYS = 365;

/** Collects problems while reading an untrusted object, each with its path. */
class Reader {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly prefix: string,
    readonly problems: RuleProblem[],
  ) {}

  private path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  private fail(key: string, message: string): undefined {
    this.problems.push({ path: this.path(key), message });
    return undefined;
  }

  has(key: string): boolean {
    return this.source[key] !== undefined;
  }

  number(key: string, min: number, max: number, opts: { integer?: boolean; fallback?: number } = {}) {
    const v = this.source[key];
    if (v === undefined && opts.fallback !== undefined) return opts.fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(key, 'must be a number');
    if (opts.integer && !Number.isInteger(v)) return this.fail(key, 'must be an integer');
    if (v < min || v > max) return this.fail(key, `must be between ${min} and ${max}`);
    return v;
  }

  nullableNumber(key: string, min: number, max: number, fallback: number | null) {
    const v = this.source[key];
    if (v === undefined) return fallback;
    if (v === null) return null;
    return this.number(key, min, max);
  }

  boolean(key: string, fallback: boolean): boolean | undefined {
    const v = this.source[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') return this.fail(key, 'must be true or false');
    return v;
  }

  string(key: string, maxLength: number): string | undefined {
    const v = this.source[key];
    if (typeof v !== 'string' || v.trim().length === 0) return this.fail(key, 'must be a non-empty string');
    if (v.length > maxLength) return this.fail(key, `must be at most ${maxLength} characters`);
    return v.trim();
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.source[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !allowed.includes(v as T))
      return this.fail(key, `must be one of ${allowed.join(', ')}`);
    return v as T;
  }

  list<T extends string>(key: string, allowed: readonly T[] | null, opts: { nonEmpty?: boolean } = {}) {
    const v = this.source[key];
    if (v === undefined) return [] as T[];
    if (!Array.isArray(v) || v.length > 100) return this.fail(key, 'must be a list of at most 100 values');
    if (opts.nonEmpty && v.length === 0) return this.fail(key, 'must not be empty');
    const out: T[] = [];
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || item.length === 0 || item.length > 200)
        this.problems.push({ path: `${this.path(key)}.${i}`, message: 'must be a non-empty string' });
      else if (allowed && !allowed.includes(item as T))
        this.problems.push({
          path: `${this.path(key)}.${i}`,
          message: `must be one of ${allowed.join(', ')}`,
        });
      else out.push(item as T);
    });
    return [...new Set(out)];
  }

  object(key: string, fallback?: Record<string, unknown>): Record<string, unknown> | undefined {
    const v = this.source[key];
    if (v === undefined && fallback) return fallback;
    if (!isObject(v)) return this.fail(key, 'must be an object');
    return v;
  }

  /** Refuses fields this object does not know. */
  only(keys: readonly string[]): void {
    for (const key of Object.keys(this.source))
      if (!keys.includes(key)) this.problems.push({ path: this.path(key), message: 'is not a known field' });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type ParamsReader = (r: Reader) => unknown;

const PARAMS: { readonly [T in AlertRuleType]: { keys: readonly string[]; read: ParamsReader } } = {
  score_below: {
    keys: ['threshold', 'onRedBand'],
    read: (r) => {
      const threshold = r.nullableNumber('threshold', 0, 100, null);
      const onRedBand = r.boolean('onRedBand', threshold === null);
      if (threshold === null && onRedBand === false)
        r.problems.push({ path: 'params', message: 'needs a threshold or onRedBand: true' });
      return { threshold, onRedBand };
    },
  },
  score_drop: {
    keys: ['points', 'days'],
    read: (r) => ({ points: r.number('points', 1, 100), days: r.number('days', 1, 365, { integer: true }) }),
  },
  inactivity: {
    keys: ['days'],
    read: (r) => ({ days: r.number('days', 1, 365, { integer: true }) }),
  },
  usage_drop: {
    keys: ['measure', 'percent', 'minPrevious'],
    read: (r) => ({
      measure: r.oneOf('measure', ['active_users', 'events'] as const, 'active_users'),
      percent: r.number('percent', 1, 100),
      minPrevious: r.number('minPrevious', 1, 1_000_000, { integer: true, fallback: 1 }),
    }),
  },
  nps_detractor: {
    keys: ['maxScore'],
    read: (r) => ({ maxScore: r.number('maxScore', 0, 10, { integer: true, fallback: 6 }) }),
  },
  ticket_spike: {
    keys: ['count', 'days', 'anyP1'],
    read: (r) => ({
      count: r.number('count', 1, 10_000, { integer: true }),
      // cs.accounts.v1 carries the last 30 days of tickets.
      days: r.number('days', 1, 30, { integer: true }),
      anyP1: r.boolean('anyP1', false),
    }),
  },
  renewal_risk: {
    keys: ['days', 'bands'],
    read: (r) => {
      const bands = r.has('bands')
        ? r.list<HealthBand>('bands', HEALTH_BANDS, { nonEmpty: true })
        : ['red', 'yellow'];
      return { days: r.number('days', 1, 730, { integer: true }), bands };
    },
  },
  onboarding_stalled: {
    keys: ['percent', 'days'],
    read: (r) => ({
      percent: r.number('percent', 1, 100, { fallback: 100 }),
      days: r.number('days', 1, 365, { integer: true }),
    }),
  },
  expansion_signal: {
    keys: ['seatUsagePercent', 'promoterMinScore'],
    read: (r) => {
      const seatUsagePercent = r.nullableNumber('seatUsagePercent', 1, 1000, 90);
      const promoterMinScore = r.nullableNumber('promoterMinScore', 0, 10, 9);
      if (seatUsagePercent === null && promoterMinScore === null)
        r.problems.push({ path: 'params', message: 'needs seatUsagePercent or promoterMinScore' });
      return { seatUsagePercent, promoterMinScore };
    },
  },
  churn_risk_above: {
    keys: ['probability', 'topContributions'],
    read: (r) => {
      const probability = r.number('probability', 0, 1);
      // Above 0 alerts on nearly every prediction and above 1 on none: both are mistakes.
      if (probability === 0 || probability === 1)
        r.problems.push({ path: 'params.probability', message: 'must be above 0 and below 1' });
      return {
        probability,
        topContributions: r.number('topContributions', 1, 10, { integer: true, fallback: 3 }),
      };
    },
  },
};

const RULE_KEYS = ['name', 'type', 'params', 'severity', 'scope', 'enabled', 'cooldownMinutes', 'graceDays'];
const SCOPE_KEYS = ['segments', 'touchModels', 'phases'];

/** Reads a rule from a request body; every problem is reported with its field path. */
export function parseRuleDefinition(body: unknown): RuleParsing {
  if (!isObject(body))
    return { ok: false, problems: [{ path: '', message: 'the body must be a JSON object' }] };
  const problems: RuleProblem[] = [];
  const r = new Reader(body, '', problems);
  r.only(RULE_KEYS);
  const name = r.string('name', 200);
  const type = r.oneOf('type', ALERT_RULE_TYPES);
  const severity = r.oneOf<AlertSeverity>('severity', ALERT_SEVERITIES);
  const enabled = r.boolean('enabled', true);
  const cooldownMinutes = r.number('cooldownMinutes', 0, MAX_COOLDOWN_MINUTES, {
    integer: true,
    fallback: 24 * 60,
  });
  const graceDays = r.number('graceDays', 0, MAX_GRACE_DAYS, { integer: true, fallback: DEFAULT_GRACE_DAYS });
  const scopeSource = r.object('scope', {});
  let scope: RuleDefinition['scope'] | undefined;
  if (scopeSource) {
    const s = new Reader(scopeSource, 'scope', problems);
    s.only(SCOPE_KEYS);
    scope = {
      segments: s.list<string>('segments', null) ?? [],
      touchModels: s.list<TouchModel>('touchModels', TOUCH_MODELS) ?? [],
      phases: s.list<LifecyclePhase>('phases', LIFECYCLE_PHASES) ?? [],
    };
  }
  const paramsSource = r.object('params', {});
  let params: unknown;
  if (paramsSource && type) {
    const p = new Reader(paramsSource, 'params', problems);
    p.only(PARAMS[type].keys);
    params = PARAMS[type].read(p);
  }
  if (problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return {
    ok: true,
    rule: {
      name: name!,
      type: type!,
      params: params as RuleParamsByType[AlertRuleType],
      severity: severity!,
      scope: scope!,
      enabled: enabled!,
      cooldownMinutes: cooldownMinutes!,
      graceDays: graceDays!,
    } as RuleDefinition,
  };
}

function dedupe(problems: readonly RuleProblem[]): RuleProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
