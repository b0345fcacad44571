/**
 * workspace.settings.updated (cs.workspaces.v1, compacted, keyed by the workspace id): the
 * settings of a workspace that other services apply, as ingestion (which owns workspaces) holds
 * them. Sent when a workspace is created and on every change; each message carries every
 * setting, so the latest one of a workspace is all a consumer needs.
 */
export interface WorkspaceSettingsData {
  readonly name: string;
  /**
   * Who owns the work (alerts, tasks) of an account that names no owner; null for nobody.
   * Alerting and playbooks both use it.
   */
  readonly fallbackOwner: string | null;
  /** Counts the workspace's settings changes from 1: a consumer keeps the highest it has seen. */
  readonly version: number;
}

export const workspaceSettingsJsonSchema = {
  type: 'object',
  required: ['name', 'fallbackOwner', 'version'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    fallbackOwner: { type: ['string', 'null'], minLength: 3, maxLength: 320 },
    version: { type: 'integer', minimum: 1 },
  },
} as const;
