import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The W3C trace context of the signal that started each run: the run's steps execute later, from
 * the engine's loop, and their messages (tasks created, steps executed) continue that trace.
 */
export const RunTraceContext1766016300000 = sqlMigration('RunTraceContext1766016300000', [
  {
    up: `ALTER TABLE playbooks.runs ADD COLUMN trace_context jsonb`,
    down: `ALTER TABLE playbooks.runs DROP COLUMN trace_context`,
  },
]);
