import { AlertEventData, AlertRuleType } from '@tsuzuku/contracts';

/**
 * What an alert_raised trigger selects: a rule type, rules by id, or both (an alert passes
 * when either names its rule), narrowed to accounts of some segments.
 */
export interface AlertTriggerSelector {
  readonly ruleType?: AlertRuleType;
  readonly ruleIds?: readonly string[];
  readonly segments?: readonly string[];
}

/** What matching reads of an alert. */
export type MatchedAlert = Pick<AlertEventData, 'ruleId' | 'ruleType' | 'segment'>;

/** A segment name as compared: trimmed, lower case. */
export const segmentKey = (segment: string): string => segment.trim().toLowerCase();

/** How a trigger's rule selection meets an alert: by the rule's id, by its type, or not at all. */
export function ruleMatch(selector: AlertTriggerSelector, alert: MatchedAlert): 'by_id' | 'by_type' | null {
  if ((selector.ruleIds ?? []).includes(alert.ruleId)) return 'by_id';
  if (selector.ruleType !== undefined && selector.ruleType === alert.ruleType) return 'by_type';
  return null;
}

function segmentMatches(selector: AlertTriggerSelector, alert: MatchedAlert): boolean {
  const segments = selector.segments ?? [];
  if (segments.length === 0) return true;
  // An alert written before alerts carried the segment has none to match.
  if (!alert.segment) return false;
  const segment = segmentKey(alert.segment);
  return segments.some((s) => segmentKey(s) === segment);
}

/**
 * The playbooks an alert starts, among the workspace's live alert_raised playbooks. A rule that
 * some playbook names by id belongs to the playbooks that name it: those that select only its
 * type stay silent, so a custom rule does not also start the playbook written for the default
 * rule of that type.
 */
export function playbooksForAlert<P>(
  playbooks: readonly P[],
  selectorOf: (p: P) => AlertTriggerSelector | null,
  alert: MatchedAlert,
): P[] {
  const matched = playbooks.flatMap((p) => {
    const selector = selectorOf(p);
    const match = selector ? ruleMatch(selector, alert) : null;
    return selector && match ? [{ p, selector, match }] : [];
  });
  const named = matched.some((m) => m.match === 'by_id');
  return matched
    .filter((m) => !(named && m.match === 'by_type'))
    .filter((m) => segmentMatches(m.selector, alert))
    .map((m) => m.p);
}
