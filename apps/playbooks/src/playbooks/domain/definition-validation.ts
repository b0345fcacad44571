import {
  ALERT_RULE_TYPES,
  HEALTH_BANDS,
  LIFECYCLE_PHASES,
  PLAYBOOK_STEP_TYPES,
  PLAYBOOK_TRIGGER_TYPES,
  TOUCH_MODELS,
} from '@tsuzuku/contracts';
import { parseDuration } from './duration';
import { END, PlaybookDefinition, TASK_PRIORITIES } from './playbook-definition';
import { templateProblems } from './template-render';
import { scheduleProblem } from './trigger-timing';

/** A field at fault in a playbook definition, with its path (`steps[2].title`). */
export interface DefinitionProblem {
  readonly path: string;
  readonly message: string;
}

export type DefinitionValidation =
  | { readonly ok: true; readonly definition: PlaybookDefinition }
  | { readonly ok: false; readonly problems: readonly DefinitionProblem[] };

const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_STEPS = 50;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Why an outbound URL may not be called (the service's outbound policy), or null. */
export type UrlPolicy = (url: string) => string | null;

/** Collects the problems of one object: its known fields and everything unknown in it. */
class Checker {
  readonly problems: DefinitionProblem[] = [];

  constructor(private readonly urlPolicy?: UrlPolicy) {}

  at(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  object(value: unknown, path: string, known: readonly string[]): value is Json {
    if (!isObject(value)) {
      this.at(path, 'must be an object');
      return false;
    }
    for (const key of Object.keys(value))
      if (!known.includes(key)) this.at(join(path, key), 'is not a known field');
    return true;
  }

  string(value: unknown, path: string, max: number, required = true): value is string {
    if (value === undefined && !required) return false;
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.at(path, value === undefined ? 'is required' : 'must be a non-empty string');
      return false;
    }
    if (value.length > max) {
      this.at(path, `must be at most ${max} characters`);
      return false;
    }
    return true;
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]): boolean {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.at(path, `must be one of ${allowed.join(', ')}`);
      return false;
    }
    return true;
  }

  listOf(value: unknown, path: string, allowed: readonly string[] | null): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) return this.at(path, 'must be an array');
    value.forEach((v, i) => {
      if (allowed) this.oneOf(v, `${path}[${i}]`, allowed);
      else this.string(v, `${path}[${i}]`, 200);
    });
  }

  number(value: unknown, path: string, min: number, max: number, integer = false): boolean {
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      this.at(path, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return false;
    }
    return true;
  }

  duration(value: unknown, path: string): void {
    const parsed = parseDuration(value);
    if (!parsed.ok) this.at(path, parsed.problem);
  }

  url(value: unknown, path: string): void {
    if (!this.string(value, path, 2000)) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.at(path, 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return this.at(path, 'must be an http(s) URL');
    const problem = this.urlPolicy?.(value);
    if (problem) this.at(path, problem);
  }

  template(value: unknown, path: string, max: number): void {
    if (!this.string(value, path, max)) return;
    for (const problem of templateProblems(value)) this.at(path, problem);
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const CONDITION_FIELDS = [
  'bandIn',
  'scoreBelow',
  'scoreAtLeast',
  'phaseIn',
  'eventSeen',
  'taskDone',
  'onboardingComplete',
  'alertResolved',
] as const;

function checkCondition(c: Checker, value: unknown, path: string, taskSteps: ReadonlySet<string>): void {
  if (!c.object(value, path, CONDITION_FIELDS)) return;
  if (Object.keys(value).length === 0) c.at(path, `needs at least one of ${CONDITION_FIELDS.join(', ')}`);
  c.listOf(value['bandIn'], `${path}.bandIn`, HEALTH_BANDS);
  c.listOf(value['phaseIn'], `${path}.phaseIn`, LIFECYCLE_PHASES);
  if (value['scoreBelow'] !== undefined) c.number(value['scoreBelow'], `${path}.scoreBelow`, 0, 100);
  if (value['scoreAtLeast'] !== undefined) c.number(value['scoreAtLeast'], `${path}.scoreAtLeast`, 0, 100);
  if (value['eventSeen'] !== undefined) c.string(value['eventSeen'], `${path}.eventSeen`, 200);
  if (value['taskDone'] !== undefined && !taskSteps.has(String(value['taskDone'])))
    c.at(`${path}.taskDone`, 'must be the id of a task step of this playbook');
  for (const flag of ['onboardingComplete', 'alertResolved'])
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
      c.at(`${path}.${flag}`, 'must be true or false');
}

const STEP_FIELDS: Record<string, readonly string[]> = {
  task: ['title', 'description', 'dueIn', 'dueInDays', 'priority', 'owner', 'assignee'],
  email: ['subject', 'body'],
  wait: ['duration', 'until', 'timeout'],
  branch: ['if', 'then', 'else'],
  webhook: ['url', 'secrets'],
  notify: ['url', 'text'],
};

function checkTrigger(c: Checker, value: unknown): void {
  if (!isObject(value)) return c.at('trigger', 'must be an object');
  if (!c.oneOf(value['type'], 'trigger.type', PLAYBOOK_TRIGGER_TYPES)) return;
  const type = value['type'] as (typeof PLAYBOOK_TRIGGER_TYPES)[number];
  const fields = {
    alert_raised: ['ruleType', 'ruleIds', 'segments'],
    phase_changed: ['to'],
    subscription_started: [],
    days_before_renewal: ['days'],
    schedule: ['every'],
  }[type];
  c.object(value, 'trigger', ['type', ...fields]);
  if (type === 'alert_raised') checkAlertTrigger(c, value);
  if (type === 'phase_changed') c.oneOf(value['to'], 'trigger.to', LIFECYCLE_PHASES);
  if (type === 'days_before_renewal') c.number(value['days'], 'trigger.days', 0, 730, true);
  if (type === 'schedule' && c.string(value['every'], 'trigger.every', 100)) {
    const problem = scheduleProblem(value['every'] as string);
    if (problem) c.at('trigger.every', problem);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** alert_raised: a rule type and/or rule ids (at least one), and segments. */
function checkAlertTrigger(c: Checker, value: Json): void {
  const ruleIds = value['ruleIds'];
  if (value['ruleType'] !== undefined || ruleIds === undefined)
    c.oneOf(value['ruleType'], 'trigger.ruleType', ALERT_RULE_TYPES);
  if (ruleIds !== undefined) {
    if (!Array.isArray(ruleIds) || ruleIds.length > 100)
      c.at('trigger.ruleIds', 'must be an array of at most 100 alert-rule ids');
    else if (ruleIds.length === 0 && value['ruleType'] === undefined)
      c.at('trigger.ruleIds', 'must name at least one alert rule, or give trigger.ruleType');
    else
      ruleIds.forEach((id: unknown, i) => {
        if (typeof id !== 'string' || !UUID.test(id))
          c.at(`trigger.ruleIds[${i}]`, 'must be the id (a uuid) of an alert rule');
      });
  }
  c.listOf(value['segments'], 'trigger.segments', null);
}

function checkStep(
  c: Checker,
  value: unknown,
  path: string,
  ids: readonly string[],
  index: number,
  taskSteps: ReadonlySet<string>,
): void {
  if (!isObject(value)) return c.at(path, 'must be an object');
  if (!c.oneOf(value['type'], `${path}.type`, PLAYBOOK_STEP_TYPES)) return;
  const type = value['type'] as string;
  c.object(value, path, ['id', 'type', ...STEP_FIELDS[type]!]);
  const p = (f: string) => `${path}.${f}`;
  switch (type) {
    case 'task':
      c.string(value['title'], p('title'), 200);
      if (value['description'] !== undefined) c.string(value['description'], p('description'), 5000);
      if (value['dueIn'] !== undefined) c.duration(value['dueIn'], p('dueIn'));
      if (value['dueInDays'] !== undefined) c.number(value['dueInDays'], p('dueInDays'), 0, 1095);
      if (value['dueIn'] !== undefined && value['dueInDays'] !== undefined)
        c.at(p('dueInDays'), 'give dueIn or dueInDays, not both');
      if (value['priority'] !== undefined) c.oneOf(value['priority'], p('priority'), TASK_PRIORITIES);
      if (value['owner'] !== undefined && value['assignee'] !== undefined)
        c.at(p('assignee'), 'give owner (assignee is its name before), not both');
      // `assignee` is the name `owner` had, with `owner` for what is now `account`.
      for (const field of ['owner', 'assignee'])
        if (value[field] !== undefined && c.string(value[field], p(field), 320)) {
          const a = value[field] as string;
          if (a !== 'account' && a !== 'owner' && a !== 'manager' && !/^[^\s@]+@[^\s@]+$/.test(a))
            c.at(p(field), 'must be account, manager or an email address');
        }
      break;
    case 'email':
      c.template(value['subject'], p('subject'), 500);
      c.template(value['body'], p('body'), 20_000);
      break;
    case 'wait':
      if ((value['duration'] === undefined) === (value['until'] === undefined))
        c.at(path, 'needs either duration or until');
      if (value['duration'] !== undefined) c.duration(value['duration'], p('duration'));
      if (value['until'] !== undefined) checkCondition(c, value['until'], p('until'), taskSteps);
      if (value['timeout'] !== undefined) {
        if (value['until'] === undefined) c.at(p('timeout'), 'applies only to a wait with until');
        c.duration(value['timeout'], p('timeout'));
      }
      break;
    case 'branch':
      checkCondition(c, value['if'], p('if'), taskSteps);
      for (const way of ['then', 'else']) {
        const ref = value[way];
        if (ref === undefined || ref === END) continue;
        const target = ids.indexOf(String(ref));
        if (typeof ref !== 'string' || target < 0)
          c.at(p(way), `must be a step id of this playbook or ${END}`);
        // Forward only: a run can never loop, so each step executes at most once.
        else if (target <= index) c.at(p(way), 'must be a step after this one');
      }
      break;
    case 'webhook':
      c.url(value['url'], p('url'));
      if (!Array.isArray(value['secrets']) || value['secrets'].length < 1 || value['secrets'].length > 2)
        c.at(p('secrets'), 'must list one or two secrets (the current one first)');
      else
        value['secrets'].forEach((s, i) => {
          if (c.string(s, `${p('secrets')}[${i}]`, 500) && (s as string).length < 16)
            c.at(`${p('secrets')}[${i}]`, 'must be at least 16 characters');
        });
      break;
    case 'notify':
      c.url(value['url'], p('url'));
      c.template(value['text'], p('text'), 4000);
      break;
  }
}

/**
 * Checks a playbook definition as sent by a client and returns it normalised (defaults
 * filled in), or every problem with its field path. `urlPolicy` refuses webhook and notify
 * URLs the service may not call (internal and metadata addresses).
 */
export function validateDefinition(input: unknown, urlPolicy?: UrlPolicy): DefinitionValidation {
  const c = new Checker(urlPolicy);
  if (
    !c.object(input, '', [
      'name',
      'description',
      'enabled',
      'trigger',
      'audience',
      'steps',
      'exit',
      'holdoutPercent',
    ])
  )
    return { ok: false, problems: c.problems };
  c.string(input['name'], 'name', 200);
  if (input['description'] !== undefined && input['description'] !== null)
    c.string(input['description'], 'description', 2000);
  if (input['enabled'] !== undefined && typeof input['enabled'] !== 'boolean')
    c.at('enabled', 'must be true or false');
  checkTrigger(c, input['trigger']);
  if (
    input['audience'] !== undefined &&
    c.object(input['audience'], 'audience', ['segments', 'touchModels', 'phases', 'bands'])
  ) {
    const a = input['audience'] as Json;
    c.listOf(a['segments'], 'audience.segments', null);
    c.listOf(a['touchModels'], 'audience.touchModels', TOUCH_MODELS);
    c.listOf(a['phases'], 'audience.phases', LIFECYCLE_PHASES);
    c.listOf(a['bands'], 'audience.bands', HEALTH_BANDS);
  }
  const steps = input['steps'];
  let taskSteps = new Set<string>();
  if (!Array.isArray(steps)) c.at('steps', 'must be an array');
  else {
    if (steps.length > MAX_STEPS) c.at('steps', `must have at most ${MAX_STEPS} steps`);
    const ids = steps.map((s) => (isObject(s) ? String(s['id'] ?? '') : ''));
    taskSteps = new Set(
      steps.filter((s) => isObject(s) && s['type'] === 'task').map((s) => String((s as Json)['id'])),
    );
    const seen = new Set<string>();
    steps.forEach((step, i) => {
      const id = isObject(step) ? step['id'] : undefined;
      if (typeof id !== 'string' || !STEP_ID.test(id) || id === END)
        c.at(`steps[${i}].id`, `must be 1-64 letters, digits, dots, dashes or underscores, not "${END}"`);
      else if (seen.has(id)) c.at(`steps[${i}].id`, `repeats the id ${id}`);
      else seen.add(id);
      checkStep(c, step, `steps[${i}]`, ids, i, taskSteps);
    });
  }
  if (input['exit'] !== undefined) {
    if (!Array.isArray(input['exit'])) c.at('exit', 'must be an array of conditions');
    else input['exit'].forEach((e, i) => checkCondition(c, e, `exit[${i}]`, taskSteps));
  }
  if (input['holdoutPercent'] !== undefined) c.number(input['holdoutPercent'], 'holdoutPercent', 0, 100);
  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  const i = input as Json;
  return {
    ok: true,
    definition: {
      name: (i['name'] as string).trim(),
      description: (i['description'] as string | null | undefined) ?? null,
      enabled: (i['enabled'] as boolean | undefined) ?? true,
      trigger: i['trigger'] as PlaybookDefinition['trigger'],
      audience: (i['audience'] as PlaybookDefinition['audience'] | undefined) ?? {},
      steps: i['steps'] as PlaybookDefinition['steps'],
      exit: (i['exit'] as PlaybookDefinition['exit'] | undefined) ?? [],
      holdoutPercent: (i['holdoutPercent'] as number | undefined) ?? 0,
    },
  };
}
