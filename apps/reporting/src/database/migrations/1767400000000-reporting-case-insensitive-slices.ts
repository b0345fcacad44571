import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Slices by segment and owner compare trait values without regard to case
 * (`lower(segment) = lower($n)`): the indexes the slice joins start from are on the lower case.
 */
export const ReportingCaseInsensitiveSlices1767400000000 = sqlMigration(
  'ReportingCaseInsensitiveSlices1767400000000',
  [
    {
      up: [
        'DROP INDEX IF EXISTS reporting.account_attributes_segment',
        'DROP INDEX IF EXISTS reporting.account_attributes_owner',
        'CREATE INDEX account_attributes_segment_lower ON reporting.account_attributes (workspace_id, lower(segment))',
        'CREATE INDEX account_attributes_owner_lower ON reporting.account_attributes (workspace_id, lower(owner))',
      ],
      down: [
        'DROP INDEX IF EXISTS reporting.account_attributes_segment_lower',
        'DROP INDEX IF EXISTS reporting.account_attributes_owner_lower',
        'CREATE INDEX account_attributes_segment ON reporting.account_attributes (workspace_id, segment)',
        'CREATE INDEX account_attributes_owner ON reporting.account_attributes (workspace_id, owner)',
      ],
    },
  ],
);
