import { inboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

export const CreateAlertingSchema1763870400000 = sqlMigration('CreateAlertingSchema1763870400000', [
  inboxTableSql('alerting'),
]);
