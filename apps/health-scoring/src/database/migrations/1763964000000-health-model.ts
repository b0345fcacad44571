import { createTable, outboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** Accounts, their daily usage by event time, scorecards, scores with history and overrides. */
export const HealthModel1763964000000 = sqlMigration('HealthModel1763964000000', [
  // What a workspace tells the scoring about itself; a row appears with defaults when first needed.
  createTable(`CREATE TABLE health_scoring.workspace_settings (
      workspace_id text PRIMARY KEY,
      onboarding_milestones text[] NOT NULL DEFAULT '{}',
      key_features text[] NOT NULL DEFAULT '{}',
      renewal_window_days integer NOT NULL DEFAULT 90,
      touch_high_mrr numeric NOT NULL DEFAULT 5000,
      touch_low_mrr numeric NOT NULL DEFAULT 500,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`),
  createTable(
    `CREATE TABLE health_scoring.accounts (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      name text,
      plan text,
      mrr numeric,
      seats integer,
      renewal_date date,
      csm_email text,
      segment text,
      industry text,
      traits jsonb NOT NULL DEFAULT '{}',
      touch_trait text,
      phase_trait text,
      expansion boolean NOT NULL DEFAULT false,
      onboarding_done text[] NOT NULL DEFAULT '{}',
      features_used text[] NOT NULL DEFAULT '{}',
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz,
      last_sign_in_at timestamptz,
      latest_nps integer,
      latest_nps_at timestamptz,
      phase text NOT NULL DEFAULT 'onboarding',
      touch_model text NOT NULL DEFAULT 'tech',
      computed_score numeric,
      score numeric,
      band text,
      coverage numeric NOT NULL DEFAULT 0,
      scorecard_id uuid,
      measures jsonb NOT NULL DEFAULT '[]',
      scored_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, account_id)
    )`,
    'CREATE INDEX accounts_by_score ON health_scoring.accounts (workspace_id, score, account_id)',
  ),
  // Usage per account and day of event time: late and out-of-order events land on their day.
  createTable(`CREATE TABLE health_scoring.account_days (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      day date NOT NULL,
      events integer NOT NULL DEFAULT 0,
      sign_ins integer NOT NULL DEFAULT 0,
      key_feature_uses integer NOT NULL DEFAULT 0,
      onboarding_steps integer NOT NULL DEFAULT 0,
      tickets_opened integer NOT NULL DEFAULT 0,
      p1_opened integer NOT NULL DEFAULT 0,
      tickets_resolved integer NOT NULL DEFAULT 0,
      p1_resolved integer NOT NULL DEFAULT 0,
      survey_responses integer NOT NULL DEFAULT 0,
      csat_sum integer NOT NULL DEFAULT 0,
      csat_count integer NOT NULL DEFAULT 0,
      engagement_events integer NOT NULL DEFAULT 0,
      outcomes integer NOT NULL DEFAULT 0,
      PRIMARY KEY (workspace_id, account_id, day)
    )`),
  // Who was active on which day, for distinct active users over a window.
  createTable(`CREATE TABLE health_scoring.account_user_days (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      day date NOT NULL,
      user_id text NOT NULL,
      PRIMARY KEY (workspace_id, account_id, day, user_id)
    )`),
  createTable(
    `CREATE TABLE health_scoring.tickets (
      workspace_id text NOT NULL,
      ticket_id text NOT NULL,
      account_id text NOT NULL,
      priority text,
      opened_at timestamptz,
      resolved_at timestamptz,
      PRIMARY KEY (workspace_id, ticket_id)
    )`,
    'CREATE INDEX tickets_by_account ON health_scoring.tickets (workspace_id, account_id)',
  ),
  createTable(`CREATE TABLE health_scoring.mrr_points (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      at timestamptz NOT NULL,
      mrr numeric NOT NULL,
      PRIMARY KEY (workspace_id, account_id, at)
    )`),
  // Users' latest group, and the events of users with no account yet, kept until one appears.
  createTable(`CREATE TABLE health_scoring.memberships (
      workspace_id text NOT NULL,
      user_id text NOT NULL,
      account_id text NOT NULL,
      joined_at timestamptz NOT NULL,
      PRIMARY KEY (workspace_id, user_id)
    )`),
  createTable(`CREATE TABLE health_scoring.unattributed_events (
      workspace_id text NOT NULL,
      user_id text NOT NULL,
      event_id text NOT NULL,
      envelope jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, user_id, event_id)
    )`),
  // The recent events of an account that can move its score, for the explanation.
  createTable(
    `CREATE TABLE health_scoring.account_events (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      event_id text NOT NULL,
      occurred_at timestamptz NOT NULL,
      name text NOT NULL,
      detail jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (workspace_id, account_id, event_id)
    )`,
    'CREATE INDEX account_events_recent ON health_scoring.account_events (workspace_id, account_id, occurred_at DESC)',
  ),
  createTable(
    `CREATE TABLE health_scoring.scorecards (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      name text NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      segment text,
      touch_model text,
      measures jsonb NOT NULL,
      bands jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE UNIQUE INDEX scorecards_one_default ON health_scoring.scorecards (workspace_id) WHERE is_default',
    `CREATE UNIQUE INDEX scorecards_one_per_audience ON health_scoring.scorecards
         (workspace_id, coalesce(segment, ''), coalesce(touch_model, '')) WHERE NOT is_default`,
  ),
  // Every change of an account's score, and at least one point a day (the sweep).
  createTable(
    `CREATE TABLE health_scoring.score_history (
      id bigserial PRIMARY KEY,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      score numeric,
      band text,
      computed_score numeric,
      coverage numeric NOT NULL,
      reason text NOT NULL
    )`,
    'CREATE INDEX score_history_by_account ON health_scoring.score_history (workspace_id, account_id, at)',
  ),
  createTable(
    `CREATE TABLE health_scoring.overrides (
      id uuid PRIMARY KEY,
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      score numeric NOT NULL CHECK (score >= 0 AND score <= 100),
      reason text NOT NULL,
      author text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      ended_at timestamptz,
      ended_why text
    )`,
    'CREATE UNIQUE INDEX overrides_one_active ON health_scoring.overrides (workspace_id, account_id) WHERE ended_at IS NULL',
  ),
  outboxTableSql('health_scoring'),
]);
