import { ALERT_SEVERITIES, AlertEventData, AlertRuleType, AlertSeverity } from '@tsuzuku/contracts';

/** Which alerts a channel is told about; an empty list or null lets everything through. */
export interface ChannelFilters {
  /** At least this severity. */
  readonly minSeverity: AlertSeverity | null;
  /** Exactly one of these severities. */
  readonly severities: readonly AlertSeverity[];
  /** Rules by type and by id: an alert passes when either list names its rule (both empty: any rule). */
  readonly ruleTypes: readonly AlertRuleType[];
  readonly ruleIds?: readonly string[];
  /** The account's segment when the alert was raised, compared trimmed and case-insensitively. */
  readonly segments?: readonly string[];
  /** Owners (emails), compared case-insensitively. */
  readonly owners: readonly string[];
}

export const NO_FILTERS: ChannelFilters = {
  minSeverity: null,
  severities: [],
  ruleTypes: [],
  ruleIds: [],
  segments: [],
  owners: [],
};

/** The alert changes channels hear about: new alerts and their resolution, not every repeat. */
export const NOTIFIED_CHANGES: readonly AlertEventData['change'][] = ['raised', 'reopened', 'resolved'];

/** What routing reads of an alert change. */
export type RoutedAlert = Pick<
  AlertEventData,
  'change' | 'severity' | 'ruleType' | 'ruleId' | 'owner' | 'segment'
>;

/** A segment name as compared: trimmed, lower case. */
export const segmentKey = (segment: string): string => segment.trim().toLowerCase();

/** How a channel's rule selection meets an alert's rule. */
export type RuleSelection = 'by_id' | 'by_type' | 'any' | 'none';

export function ruleSelection(filters: ChannelFilters, alert: RoutedAlert): RuleSelection {
  const ids = filters.ruleIds ?? [];
  if (ids.length === 0 && filters.ruleTypes.length === 0) return 'any';
  if (ids.includes(alert.ruleId)) return 'by_id';
  if (filters.ruleTypes.includes(alert.ruleType)) return 'by_type';
  return 'none';
}

/**
 * Whether a channel with these filters gets this alert change. `ruleNamedElsewhere`: another
 * channel of the workspace selects the alert's rule by id, which makes that channel the one
 * for it, so a channel that would hear of it only through its rule type does not.
 */
export function routes(filters: ChannelFilters, alert: RoutedAlert, ruleNamedElsewhere = false): boolean {
  if (!NOTIFIED_CHANGES.includes(alert.change)) return false;
  if (
    filters.minSeverity !== null &&
    ALERT_SEVERITIES.indexOf(alert.severity) < ALERT_SEVERITIES.indexOf(filters.minSeverity)
  )
    return false;
  if (filters.severities.length > 0 && !filters.severities.includes(alert.severity)) return false;
  const selection = ruleSelection(filters, alert);
  if (selection === 'none' || (selection === 'by_type' && ruleNamedElsewhere)) return false;
  const segments = filters.segments ?? [];
  if (segments.length > 0) {
    const segment = alert.segment ? segmentKey(alert.segment) : null;
    if (segment === null || !segments.some((s) => segmentKey(s) === segment)) return false;
  }
  if (filters.owners.length > 0) {
    const owner = alert.owner?.toLowerCase();
    if (!owner || !filters.owners.some((o) => o.toLowerCase() === owner)) return false;
  }
  return true;
}

/** A channel of a workspace with its filters. */
export interface ChannelRoute {
  readonly id: string;
  readonly workspaceId: string;
  readonly filters: ChannelFilters;
}

/**
 * The channels (of the alert's workspace) that get this alert change. A rule named by id in
 * some channel goes to the channels that name it, and to those with no rule selection, never to
 * those that select only its type: so a custom rule of a type the general channel watches is
 * not announced twice.
 */
export function channelsFor(
  channels: readonly ChannelRoute[],
  workspaceId: string,
  alert: RoutedAlert,
): ChannelRoute[] {
  const ofWorkspace = channels.filter((c) => c.workspaceId === workspaceId);
  const named = ofWorkspace.some((c) => (c.filters.ruleIds ?? []).includes(alert.ruleId));
  return ofWorkspace.filter((c) => routes(c.filters, alert, named));
}
