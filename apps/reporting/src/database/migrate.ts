// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationMain } from '@tsuzuku/platform-database';
import { ReportingConfig } from '../config/reporting.config';
import { reportingDatabase } from './reporting.database';

runMigrationMain('reporting', reportingDatabase, ReportingConfig);
