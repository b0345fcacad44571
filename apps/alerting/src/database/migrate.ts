// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationCli } from '@tsuzuku/platform-database';
import { AlertingConfig } from '../config/alerting.config';
import { alertingDatabase } from './alerting.database';

runMigrationCli('alerting', alertingDatabase, AlertingConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`alerting: migration failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
