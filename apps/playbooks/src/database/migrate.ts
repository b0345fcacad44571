// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationCli } from '@tsuzuku/platform-database';
import { PlaybooksConfig } from '../config/playbooks.config';
import { playbooksDatabase } from './playbooks.database';

runMigrationCli('playbooks', playbooksDatabase, PlaybooksConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`playbooks: migration failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
