import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * What became of every trigger (a run, or why not), and the triggers waiting for their
 * account's profile: rows, so a restart or another replica keeps them.
 */
export const TriggerDecisions1765100000000 = sqlMigration('TriggerDecisions1765100000000', [
  createTable(
    `CREATE TABLE playbooks.trigger_decisions (
      seq bigserial PRIMARY KEY,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      playbook_id uuid NOT NULL,
      playbook_name text NOT NULL,
      trigger_type text NOT NULL,
      trigger_ref text,
      trigger_key text NOT NULL,
      outcome text NOT NULL,
      detail text,
      run_id uuid,
      triggered_at timestamptz NOT NULL,
      decided_at timestamptz NOT NULL
    )`,
    // A trigger evaluated again (a renewal window seen on every snapshot) records one row per outcome.
    `CREATE UNIQUE INDEX trigger_decisions_once
      ON playbooks.trigger_decisions (playbook_id, account_id, trigger_key, outcome)`,
    `CREATE INDEX trigger_decisions_account
      ON playbooks.trigger_decisions (workspace_id, account_id, seq)`,
    `CREATE INDEX trigger_decisions_list ON playbooks.trigger_decisions (workspace_id, seq)`,
    `CREATE INDEX trigger_decisions_age ON playbooks.trigger_decisions (decided_at)`,
  ),
  createTable(
    `CREATE TABLE playbooks.pending_triggers (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      playbook_id uuid NOT NULL,
      trigger_type text NOT NULL,
      trigger_ref text,
      trigger_key text NOT NULL,
      context jsonb NOT NULL DEFAULT '{}',
      correlation_id text NOT NULL,
      causation_id text,
      triggered_at timestamptz NOT NULL,
      waiting_since timestamptz NOT NULL,
      wait_until timestamptz NOT NULL,
      PRIMARY KEY (playbook_id, account_id, trigger_key)
    )`,
    `CREATE INDEX pending_triggers_account ON playbooks.pending_triggers (workspace_id, account_id)`,
    `CREATE INDEX pending_triggers_due ON playbooks.pending_triggers (wait_until)`,
  ),
]);
