import { inboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

export const CreatePlaybooksSchema1763870400000 = sqlMigration('CreatePlaybooksSchema1763870400000', [
  inboxTableSql('playbooks'),
]);
