import { createTable, outboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** Definitions with their versions, the account snapshot, runs, step executions and tasks. */
export const PlaybooksEngine1763971200000 = sqlMigration('PlaybooksEngine1763971200000', [
  outboxTableSql('playbooks'),
  createTable(`CREATE TABLE playbooks.workspaces (
      workspace_id text PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now()
    )`),
  createTable(
    `CREATE TABLE playbooks.playbooks (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      template text,
      version integer NOT NULL,
      name text NOT NULL,
      enabled boolean NOT NULL,
      trigger_type text NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      UNIQUE (workspace_id, template)
    )`,
    `CREATE INDEX playbooks_live ON playbooks.playbooks (workspace_id, trigger_type)
      WHERE enabled AND deleted_at IS NULL`,
  ),
  createTable(`CREATE TABLE playbooks.playbook_versions (
      playbook_id uuid NOT NULL REFERENCES playbooks.playbooks (id),
      version integer NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (playbook_id, version)
    )`),
  createTable(`CREATE TABLE playbooks.accounts (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      name text,
      plan text,
      mrr numeric,
      seats integer,
      renewal_date text,
      csm_email text,
      segment text,
      touch_model text,
      phase text,
      band text,
      score numeric,
      onboarding_complete boolean NOT NULL DEFAULT false,
      group_contact_email text,
      profile_at timestamptz,
      PRIMARY KEY (workspace_id, account_id)
    )`),
  createTable(
    `CREATE TABLE playbooks.members (
      workspace_id text NOT NULL,
      user_id text NOT NULL,
      account_id text,
      email text,
      email_at timestamptz,
      PRIMARY KEY (workspace_id, user_id)
    )`,
    `CREATE INDEX members_account ON playbooks.members (workspace_id, account_id, email_at DESC)
      WHERE email IS NOT NULL`,
  ),
  createTable(`CREATE TABLE playbooks.account_events (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      name text NOT NULL,
      last_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, account_id, name)
    )`),
  createTable(
    `CREATE TABLE playbooks.runs (
      id uuid PRIMARY KEY,
      seq bigserial UNIQUE,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      playbook_id uuid NOT NULL REFERENCES playbooks.playbooks (id),
      version integer NOT NULL,
      playbook_name text NOT NULL,
      status text NOT NULL,
      trigger_type text NOT NULL,
      trigger_ref text,
      trigger_key text NOT NULL,
      context jsonb NOT NULL DEFAULT '{}',
      current_step text,
      wait_started_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      next_at timestamptz,
      alert_resolved boolean NOT NULL DEFAULT false,
      correlation_id text NOT NULL,
      causation_id text,
      reason text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL,
      FOREIGN KEY (playbook_id, version) REFERENCES playbooks.playbook_versions (playbook_id, version)
    )`,
    // One run per trigger occurrence, and at most one running run per playbook and account.
    `CREATE UNIQUE INDEX runs_per_trigger ON playbooks.runs (playbook_id, account_id, trigger_key)`,
    `CREATE UNIQUE INDEX runs_one_running ON playbooks.runs (playbook_id, account_id)
      WHERE status = 'running'`,
    `CREATE INDEX runs_due ON playbooks.runs (next_at) WHERE status = 'running'`,
    `CREATE INDEX runs_account ON playbooks.runs (workspace_id, account_id) WHERE status = 'running'`,
    `CREATE INDEX runs_alert ON playbooks.runs (workspace_id, trigger_ref) WHERE status = 'running'`,
    `CREATE INDEX runs_list ON playbooks.runs (workspace_id, seq)`,
  ),
  createTable(`CREATE TABLE playbooks.step_executions (
      run_id uuid NOT NULL REFERENCES playbooks.runs (id),
      step_id text NOT NULL,
      step_type text NOT NULL,
      idempotency_key text NOT NULL UNIQUE,
      outcome text NOT NULL,
      attempts integer NOT NULL,
      detail text,
      executed_at timestamptz NOT NULL,
      PRIMARY KEY (run_id, step_id)
    )`),
  createTable(
    `CREATE TABLE playbooks.tasks (
      id uuid PRIMARY KEY,
      seq bigserial UNIQUE,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      run_id uuid REFERENCES playbooks.runs (id),
      playbook_id uuid,
      step_id text,
      title text NOT NULL,
      description text,
      assignee text,
      priority text NOT NULL,
      due_at timestamptz,
      status text NOT NULL,
      note text,
      completed_at timestamptz,
      created_at timestamptz NOT NULL,
      UNIQUE (run_id, step_id)
    )`,
    `CREATE INDEX tasks_list ON playbooks.tasks (workspace_id, seq)`,
  ),
]);
