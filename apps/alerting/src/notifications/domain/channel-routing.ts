import { ALERT_SEVERITIES, AlertEventData, AlertRuleType, AlertSeverity } from '@tsuzuku/contracts';

/** Which alerts a channel is told about; an empty list or null lets everything through. */
export interface ChannelFilters {
  /** At least this severity. */
  readonly minSeverity: AlertSeverity | null;
  /** Exactly one of these severities. */
  readonly severities: readonly AlertSeverity[];
  readonly ruleTypes: readonly AlertRuleType[];
  /** Owners (emails), compared case-insensitively. */
  readonly owners: readonly string[];
}

export const NO_FILTERS: ChannelFilters = { minSeverity: null, severities: [], ruleTypes: [], owners: [] };

/** The alert changes channels hear about: new alerts and their resolution, not every repeat. */
export const NOTIFIED_CHANGES: readonly AlertEventData['change'][] = ['raised', 'reopened', 'resolved'];

/** Whether a channel with these filters gets this alert change. */
export function routes(filters: ChannelFilters, alert: AlertEventData): boolean {
  if (!NOTIFIED_CHANGES.includes(alert.change)) return false;
  if (
    filters.minSeverity !== null &&
    ALERT_SEVERITIES.indexOf(alert.severity) < ALERT_SEVERITIES.indexOf(filters.minSeverity)
  )
    return false;
  if (filters.severities.length > 0 && !filters.severities.includes(alert.severity)) return false;
  if (filters.ruleTypes.length > 0 && !filters.ruleTypes.includes(alert.ruleType)) return false;
  if (filters.owners.length > 0) {
    const owner = alert.owner?.toLowerCase();
    if (!owner || !filters.owners.some((o) => o.toLowerCase() === owner)) return false;
  }
  return true;
}
