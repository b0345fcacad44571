// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationCli } from '@tsuzuku/platform-database';
import { ReportingConfig } from '../config/reporting.config';
import { reportingDatabase } from './reporting.database';

runMigrationCli('reporting', reportingDatabase, ReportingConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`reporting: migration failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
