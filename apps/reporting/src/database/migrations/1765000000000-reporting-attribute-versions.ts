import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * Attributes by event time (SCD type 2). attribute_changes becomes the attribute facts: what each
 * group call (at its event time) or account.updated (at its time) said, null for what it did not
 * set, with its source and the plan. account_attributes holds each account's versions derived from
 * them, [valid_from, valid_to), the first from -infinity: the slice joins read it through its
 * indexes. Existing rows become profile facts and their versions are derived here the way the old
 * query did; `npm run reporting:rebuild` (or one workspace with --workspace) derives them again
 * from the group calls.
 */
export const ReportingAttributeVersions1765000000000 = sqlMigration(
  'ReportingAttributeVersions1765000000000',
  [
    {
      up: [
        `
      ALTER TABLE reporting.attribute_changes
        ADD COLUMN source text NOT NULL DEFAULT 'profile' CHECK (source IN ('group', 'profile')),
        ADD COLUMN plan text`,
        `ALTER TABLE reporting.attribute_changes ALTER COLUMN source DROP DEFAULT`,
      ],
      down: 'ALTER TABLE reporting.attribute_changes DROP COLUMN plan, DROP COLUMN source',
    },
    createTable(
      `
      CREATE TABLE reporting.account_attributes (
        workspace_id text NOT NULL,
        account_id text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NOT NULL,
        segment text NOT NULL,
        touch_model text NOT NULL,
        phase text NOT NULL,
        owner text NOT NULL,
        plan text NOT NULL,
        PRIMARY KEY (workspace_id, account_id, valid_from)
      )`,
      // The slice joins start from the versions that match the filter (segment and owner are the
      // selective ones), then find each account's rows of the months by account.
      'CREATE INDEX account_attributes_segment ON reporting.account_attributes (workspace_id, segment)',
      'CREATE INDEX account_attributes_owner ON reporting.account_attributes (workspace_id, owner)',
    ),
    {
      up: 'CREATE INDEX activity_accounts_account ON reporting.activity_accounts (workspace_id, account_id, month)',
      down: 'DROP INDEX reporting.activity_accounts_account',
    },
    {
      up: `
      INSERT INTO reporting.account_attributes
        (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
      SELECT workspace_id, account_id,
             CASE WHEN row_number() OVER w = 1 THEN '-infinity'::timestamptz ELSE effective_at END,
             coalesce(lead(effective_at) OVER w, 'infinity'::timestamptz),
             coalesce(segment, ''), coalesce(touch_model, ''), coalesce(phase, ''), coalesce(owner, ''), ''
      FROM reporting.attribute_changes
      WINDOW w AS (PARTITION BY workspace_id, account_id ORDER BY effective_at, event_id)
      ON CONFLICT DO NOTHING`,
      down: [],
    },
  ],
);
