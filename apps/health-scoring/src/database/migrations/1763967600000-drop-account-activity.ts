import { reverseStep, sqlMigration } from '@tsuzuku/platform-database';
import { accountActivityTable } from './1763870400000-create-health-scoring-schema';

/** The first proof of the Kafka path counted events per account; accounts and account_days do it now. */
export const DropAccountActivity1763967600000 = sqlMigration('DropAccountActivity1763967600000', [
  reverseStep(accountActivityTable),
]);
