import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from './ensure-database';

/** One change of a migration: the statements that make it and the statements that undo it. */
export interface MigrationStep {
  readonly up: string | readonly string[];
  readonly down: string | readonly string[];
}

/** A migration class as TypeORM takes it in a data source's `migrations`. */
export type SqlMigrationClass = new () => MigrationInterface;

function statements(sql: string | readonly string[]): readonly string[] {
  return typeof sql === 'string' ? [sql] : sql;
}

/**
 * A step that creates a table (and whatever follows it, its indexes) and is undone by dropping
 * the table, named as the CREATE TABLE statement names it.
 */
export function createTable(createSql: string, ...after: string[]): MigrationStep {
  const table = /^\s*CREATE TABLE (\S+) \(/.exec(createSql)?.[1];
  if (table === undefined)
    throw new Error(`createTable takes a CREATE TABLE statement, not: ${createSql.trim()}`);
  return { up: [createSql, ...after], down: `DROP TABLE ${table}` };
}

/**
 * The step that creates the platform's table `name` in a service's schema, `columns` being what
 * stands between the parentheses, and drops it.
 */
export function schemaTableSql(schema: string, name: string, columns: string): { up: string; down: string } {
  const table = `${quoteIdent(schema)}.${name}`;
  return { up: `CREATE TABLE ${table} (${columns})`, down: `DROP TABLE ${table}` };
}

/** The step that undoes `step`: what dropped a table that an earlier migration created, say. */
export function reverseStep(step: MigrationStep): MigrationStep {
  return { up: step.down, down: step.up };
}

/**
 * A TypeORM migration made of steps: up() runs each step's `up` statements in order; down() undoes
 * the steps from the last to the first. `name` is what TypeORM records the migration by (it ends
 * with its 13-digit timestamp), so it must never change once deployed.
 */
export function sqlMigration(name: string, steps: readonly MigrationStep[]): SqlMigrationClass {
  if (!/\D\d{13}$/.test(name))
    throw new Error(`a migration's name ends with its 13-digit timestamp: ${name}`);
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const step of steps) for (const sql of statements(step.up)) await queryRunner.query(sql);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const step of [...steps].reverse()) {
        for (const sql of statements(step.down)) await queryRunner.query(sql);
      }
    }
  };
  // The class is named like a hand-written one, for whoever reads migrations by their class.
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
