import type { AnyEventEnvelope } from '../../envelope-validator';

/** A workspace's newest settings among some events, as a consumer applies them. */
export interface LatestWorkspaceSettings {
  readonly workspaceId: string;
  readonly fallbackOwner: string | null;
  readonly version: number;
  /** The event that carried them, for the correlation of what applying them changes. */
  readonly cause: AnyEventEnvelope;
}

/**
 * The newest workspace.settings.updated of each workspace among `envelopes`: the highest version
 * (of equal versions, the first). Events of other types are passed over.
 */
export function latestWorkspaceSettings(
  envelopes: readonly AnyEventEnvelope[],
): Map<string, LatestWorkspaceSettings> {
  const latest = new Map<string, LatestWorkspaceSettings>();
  for (const e of envelopes) {
    if (e.type !== 'workspace.settings.updated') continue;
    const seen = latest.get(e.workspaceId);
    if (!seen || seen.version < e.data.version)
      latest.set(e.workspaceId, {
        workspaceId: e.workspaceId,
        fallbackOwner: e.data.fallbackOwner,
        version: e.data.version,
        cause: e,
      });
  }
  return latest;
}
