import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attributes by event time (SCD type 2). attribute_changes becomes the attribute facts: what each
 * group call (at its event time) or account.updated (at its time) said, null for what it did not
 * set, with its source and the plan. account_attributes holds each account's versions derived from
 * them, [valid_from, valid_to), the first from -infinity: the slice joins read it through its
 * indexes. Existing rows become profile facts and their versions are derived here the way the old
 * query did; `npm run reporting:rebuild` (or one workspace with --workspace) derives them again
 * from the group calls.
 */
export class ReportingAttributeVersions1765000000000 implements MigrationInterface {
  name = 'ReportingAttributeVersions1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reporting.attribute_changes
        ADD COLUMN source text NOT NULL DEFAULT 'profile' CHECK (source IN ('group', 'profile')),
        ADD COLUMN plan text`);
    await q.query(`ALTER TABLE reporting.attribute_changes ALTER COLUMN source DROP DEFAULT`);
    await q.query(`
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
      )`);
    // The slice joins start from the versions that match the filter (segment and owner are the
    // selective ones), then find each account's rows of the months by account.
    await q.query(
      'CREATE INDEX account_attributes_segment ON reporting.account_attributes (workspace_id, segment)',
    );
    await q.query(
      'CREATE INDEX account_attributes_owner ON reporting.account_attributes (workspace_id, owner)',
    );
    await q.query(
      'CREATE INDEX activity_accounts_account ON reporting.activity_accounts (workspace_id, account_id, month)',
    );
    await q.query(`
      INSERT INTO reporting.account_attributes
        (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
      SELECT workspace_id, account_id,
             CASE WHEN row_number() OVER w = 1 THEN '-infinity'::timestamptz ELSE effective_at END,
             coalesce(lead(effective_at) OVER w, 'infinity'::timestamptz),
             coalesce(segment, ''), coalesce(touch_model, ''), coalesce(phase, ''), coalesce(owner, ''), ''
      FROM reporting.attribute_changes
      WINDOW w AS (PARTITION BY workspace_id, account_id ORDER BY effective_at, event_id)
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX reporting.activity_accounts_account');
    await q.query('DROP TABLE reporting.account_attributes');
    await q.query('ALTER TABLE reporting.attribute_changes DROP COLUMN plan, DROP COLUMN source');
  }
}
