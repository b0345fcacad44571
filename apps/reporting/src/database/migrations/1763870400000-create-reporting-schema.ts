import { inboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

export const CreateReportingSchema1763870400000 = sqlMigration('CreateReportingSchema1763870400000', [
  inboxTableSql('reporting'),
]);
