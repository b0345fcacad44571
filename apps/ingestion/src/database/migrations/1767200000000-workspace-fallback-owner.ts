import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The workspace's fallback owner (who owns alerts and tasks of accounts that name no owner),
 * announced to alerting and playbooks on cs.workspaces.v1; settings_version counts its changes
 * so a consumer keeps the latest. Workspaces created before have none until it is set.
 */
export const WorkspaceFallbackOwner1767200000000 = sqlMigration('WorkspaceFallbackOwner1767200000000', [
  {
    up: `ALTER TABLE ingestion.workspaces
      ADD COLUMN fallback_owner text,
      ADD COLUMN settings_version integer NOT NULL DEFAULT 1,
      ADD COLUMN settings_updated_at timestamptz NOT NULL DEFAULT now()`,
    down: `ALTER TABLE ingestion.workspaces
      DROP COLUMN fallback_owner, DROP COLUMN settings_version, DROP COLUMN settings_updated_at`,
  },
]);
