// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationMain } from '@tsuzuku/platform-database';
import { AlertingConfig } from '../config/alerting.config';
import { alertingDatabase } from './alerting.database';

runMigrationMain('alerting', alertingDatabase, AlertingConfig);
