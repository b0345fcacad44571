// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationMain } from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { healthScoringDatabase } from './health-scoring.database';

runMigrationMain('health-scoring', healthScoringDatabase, HealthScoringConfig);
