// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationCli } from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { healthScoringDatabase } from './health-scoring.database';

runMigrationCli('health-scoring', healthScoringDatabase, HealthScoringConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`health-scoring: migration failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
