import { randomUUID } from 'node:crypto';
import { workspaceEnvelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage } from '@tsuzuku/platform-database';
import { WorkspaceRow } from './workspace.repository';

/** A workspace's settings as the API shows them. */
export interface WorkspaceSettingsView {
  readonly workspaceId: string;
  readonly fallbackOwner: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export const settingsView = (row: WorkspaceRow): WorkspaceSettingsView => ({
  workspaceId: row.id,
  fallbackOwner: row.fallbackOwner,
  version: row.settingsVersion,
  updatedAt: row.settingsUpdatedAt.toISOString(),
});

/** workspace.settings.updated for the row as it stands, for the caller's outbox. */
export function workspaceSettingsMessage(row: WorkspaceRow): OutboxMessage {
  return workspaceEnvelopeMessage(
    'workspace.settings.updated',
    'ingestion',
    row.id,
    { name: row.name, fallbackOwner: row.fallbackOwner, version: row.settingsVersion },
    { correlationId: randomUUID(), causationId: null },
    row.settingsUpdatedAt,
  );
}
