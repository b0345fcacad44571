import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The fallback owner of alerts is now one workspace setting owned by ingestion, applied from
 * cs.workspaces.v1: the column takes its name, and settings_version the version applied last
 * (null: none heard yet, the value set before through PUT /v1/alert-settings stays until then).
 */
export const WorkspaceFallbackOwner1767200000100 = sqlMigration('WorkspaceFallbackOwner1767200000100', [
  {
    up: 'ALTER TABLE alerting.workspace_settings RENAME COLUMN default_owner TO fallback_owner',
    down: 'ALTER TABLE alerting.workspace_settings RENAME COLUMN fallback_owner TO default_owner',
  },
  {
    up: 'ALTER TABLE alerting.workspace_settings ADD COLUMN settings_version integer',
    down: 'ALTER TABLE alerting.workspace_settings DROP COLUMN settings_version',
  },
]);
