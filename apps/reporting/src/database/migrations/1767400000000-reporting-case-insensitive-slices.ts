import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slices by segment and owner compare trait values without regard to case
 * (`lower(segment) = lower($n)`): the indexes the slice joins start from are on the lower case.
 */
export class ReportingCaseInsensitiveSlices1767400000000 implements MigrationInterface {
  name = 'ReportingCaseInsensitiveSlices1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS reporting.account_attributes_segment');
    await q.query('DROP INDEX IF EXISTS reporting.account_attributes_owner');
    await q.query(
      'CREATE INDEX account_attributes_segment_lower ON reporting.account_attributes (workspace_id, lower(segment))',
    );
    await q.query(
      'CREATE INDEX account_attributes_owner_lower ON reporting.account_attributes (workspace_id, lower(owner))',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS reporting.account_attributes_segment_lower');
    await q.query('DROP INDEX IF EXISTS reporting.account_attributes_owner_lower');
    await q.query(
      'CREATE INDEX account_attributes_segment ON reporting.account_attributes (workspace_id, segment)',
    );
    await q.query(
      'CREATE INDEX account_attributes_owner ON reporting.account_attributes (workspace_id, owner)',
    );
  }
}
