// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationMain } from '@tsuzuku/platform-database';
import { PlaybooksConfig } from '../config/playbooks.config';
import { playbooksDatabase } from './playbooks.database';

runMigrationMain('playbooks', playbooksDatabase, PlaybooksConfig);
