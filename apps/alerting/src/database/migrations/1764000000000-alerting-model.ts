import { createTable, outboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** Rules, account snapshots, alerts with their history, channels and deliveries, and the outbox. */
export const AlertingModel1764000000000 = sqlMigration('AlertingModel1764000000000', [
  outboxTableSql('alerting'),
  // One row per workspace seen: its settings, and the mark that its default rules exist.
  createTable(`CREATE TABLE alerting.workspace_settings (
      workspace_id text PRIMARY KEY,
      default_owner text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`),
  createTable(
    `CREATE TABLE alerting.rules (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      name text NOT NULL,
      type text NOT NULL,
      params jsonb NOT NULL,
      severity text NOT NULL,
      scope jsonb NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      cooldown_minutes integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX rules_workspace ON alerting.rules (workspace_id, created_at, id)`,
  ),
  // The latest account.updated of each account: what the rules are evaluated against.
  createTable(`CREATE TABLE alerting.accounts (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      as_of timestamptz NOT NULL,
      snapshot jsonb NOT NULL,
      PRIMARY KEY (workspace_id, account_id)
    )`),
  createTable(`CREATE TABLE alerting.score_points (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      at timestamptz NOT NULL,
      score numeric NOT NULL,
      PRIMARY KEY (workspace_id, account_id, at)
    )`),
  createTable(
    `CREATE TABLE alerting.alerts (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      rule_id uuid NOT NULL,
      rule_type text NOT NULL,
      rule_name text NOT NULL,
      severity text NOT NULL,
      positive boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'snoozed', 'resolved')),
      owner text,
      title text NOT NULL,
      evidence jsonb NOT NULL,
      occurrences integer NOT NULL DEFAULT 1,
      opened_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      snoozed_until timestamptz,
      resolved_at timestamptz,
      resolution jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // One alert that is not resolved per account and rule.
    `CREATE UNIQUE INDEX alerts_one_open ON alerting.alerts (workspace_id, account_id, rule_id)
      WHERE status <> 'resolved'`,
    `CREATE INDEX alerts_last_resolved ON alerting.alerts (workspace_id, account_id, rule_id, resolved_at DESC)
      WHERE status = 'resolved'`,
    `CREATE INDEX alerts_listing ON alerting.alerts (workspace_id, opened_at DESC, id DESC)`,
    `CREATE INDEX alerts_snoozed ON alerting.alerts (snoozed_until) WHERE status = 'snoozed'`,
  ),
  createTable(
    `CREATE TABLE alerting.alert_history (
      id bigserial PRIMARY KEY,
      alert_id uuid NOT NULL REFERENCES alerting.alerts (id) ON DELETE CASCADE,
      workspace_id text NOT NULL,
      at timestamptz NOT NULL,
      change text NOT NULL,
      from_status text,
      to_status text NOT NULL,
      actor text,
      note text,
      detail jsonb NOT NULL DEFAULT '{}'
    )`,
    `CREATE INDEX alert_history_alert ON alerting.alert_history (alert_id, id)`,
  ),
  createTable(
    `CREATE TABLE alerting.channels (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('webhook', 'slack', 'email')),
      url text,
      recipients text[] NOT NULL DEFAULT '{}',
      secret text,
      previous_secret text,
      previous_secret_expires_at timestamptz,
      filters jsonb NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX channels_workspace ON alerting.channels (workspace_id, created_at, id)`,
  ),
  createTable(
    `CREATE TABLE alerting.deliveries (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      channel_id uuid NOT NULL REFERENCES alerting.channels (id) ON DELETE CASCADE,
      alert_id uuid NOT NULL REFERENCES alerting.alerts (id) ON DELETE CASCADE,
      event_type text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      next_attempt_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    )`,
    `CREATE INDEX deliveries_due ON alerting.deliveries (next_attempt_at) WHERE status = 'pending'`,
    `CREATE INDEX deliveries_listing ON alerting.deliveries (workspace_id, created_at DESC, id DESC)`,
  ),
]);
