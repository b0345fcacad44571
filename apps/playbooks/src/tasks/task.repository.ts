import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { TaskStatus } from '@tsuzuku/contracts';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { TaskRow } from './task-rows';

/** A task a run's step creates, open from `now`. */
export interface NewTask {
  readonly id: string;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly runId: string;
  readonly playbookId: string;
  readonly stepId: string;
  readonly title: string;
  readonly description: string | null;
  readonly owner: string | null;
  readonly priority: string;
  readonly dueAt: string | null;
}

/** A task a person creates for an account (POST /v1/tasks), open from `now`. */
export interface HandMadeTask {
  readonly id: string;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly title: string;
  readonly description: string | null;
  readonly owner: string | null;
  /** True when the person named the owner (then it does not follow the account's owner). */
  readonly ownerSetByHand: boolean;
  readonly priority: string;
  readonly dueAt: string | null;
}

/** What a PATCH changes in an open task; absent fields stay as they are. */
export interface TaskChange {
  /** A new owner (null: nobody); marks the owner as set by hand. */
  readonly owner?: string | null;
  readonly dueAt?: string | null;
  /** Closes the task. */
  readonly status?: 'done' | 'skipped';
  readonly note?: string;
}

/** The filters of a task page; absent ones do not filter. */
export interface TaskPageFilter {
  readonly owner?: string;
  /** Only the tasks with no owner. */
  readonly unassigned?: boolean;
  readonly status?: TaskStatus;
  readonly accountId?: string;
  readonly dueBefore?: string;
  readonly dueAfter?: string;
  /** Tasks before this seq (the page cursor). */
  readonly beforeSeq?: string;
  readonly limit: number;
}

const SQL = defineStatements('playbooks.tasks', {
  insertMany: `
    INSERT INTO playbooks.tasks (id, workspace_id, account_id, run_id, playbook_id, step_id, title, description, owner, priority, due_at, status, created_at)
    SELECT r.id, r."workspaceId", r."accountId", r."runId", r."playbookId", r."stepId", r.title, r.description, r.owner,
      r.priority, r."dueAt", 'open', $2
    FROM ${recordset({
      id: 'uuid',
      workspaceId: 'text',
      accountId: 'text',
      runId: 'uuid',
      playbookId: 'uuid',
      stepId: 'text',
      title: 'text',
      description: 'text',
      owner: 'text',
      priority: 'text',
      dueAt: 'timestamptz',
    })}`,
  insertByHand: `
    INSERT INTO playbooks.tasks (id, workspace_id, account_id, title, description, owner, owner_set_by_hand, priority, due_at, status, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) RETURNING *`,
  skipOpenOfRuns: `
    UPDATE playbooks.tasks AS t SET status = 'skipped', note = e.why, completed_at = $2
    FROM ${recordset({ runId: 'uuid', why: 'text' }, { alias: 'e' })}
    WHERE t.run_id = e."runId" AND t.status = 'open' RETURNING t.*`,
  skipOpenRunTasksOfAccounts: `
    UPDATE playbooks.tasks AS t SET status = 'skipped', note = $3, completed_at = $4
    FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
    WHERE t.workspace_id = k.workspace_id AND t.account_id = k.account_id AND t.status = 'open'
      AND t.run_id IS NOT NULL
    RETURNING t.*`,
  // Open tasks of the account that were its previous owner's (or nobody's, or the fallback's),
  // unless a person set their owner by hand.
  reassignOpenOfAccount: `
    UPDATE playbooks.tasks SET owner = $3
    WHERE workspace_id = $1 AND account_id = $2 AND status = 'open' AND NOT owner_set_by_hand
      AND (owner IS NULL OR lower(owner) = ANY($4::text[])) AND owner IS DISTINCT FROM $3
    RETURNING *`,
  // Open tasks the workspace's former fallback owner held ($2; null: nobody) on accounts without an
  // owner of their own, unless a person set their owner by hand.
  reassignOpenOfFallback: `
    UPDATE playbooks.tasks AS t SET owner = $3, updated_at = $4
    WHERE t.workspace_id = $1 AND t.status = 'open' AND NOT t.owner_set_by_hand
      AND lower(t.owner) IS NOT DISTINCT FROM lower($2::text)
      AND NOT EXISTS (
        SELECT 1 FROM playbooks.accounts a
        WHERE a.workspace_id = t.workspace_id AND a.account_id = t.account_id AND a.csm_email IS NOT NULL)
    RETURNING t.*`,
  statusesOfRuns: `SELECT run_id, step_id, status FROM playbooks.tasks WHERE run_id = ANY($1::uuid[])`,
  // Only an open task changes; a flag says whether owner / due date are given ($3, $5), a null
  // status ($7) leaves it open.
  updateOpen: `
    UPDATE playbooks.tasks SET
      owner = CASE WHEN $3::boolean THEN $4::text ELSE owner END,
      owner_set_by_hand = owner_set_by_hand OR $3::boolean,
      due_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE due_at END,
      status = coalesce($7::text, status),
      note = coalesce($8::text, note),
      completed_at = CASE WHEN $7::text IS NULL THEN completed_at ELSE $9::timestamptz END,
      updated_at = $9::timestamptz
    WHERE workspace_id = $1 AND id::text = $2 AND status = 'open' RETURNING *`,
  byId: `SELECT * FROM playbooks.tasks WHERE workspace_id = $1 AND id::text = $2`,
  // Every filter is optional: a null parameter does not filter.
  page: `
    SELECT * FROM playbooks.tasks
    WHERE workspace_id = $1
      AND ($2::text IS NULL OR lower(owner) = lower($2))
      AND (NOT $9::boolean OR owner IS NULL)
      AND ($3::text IS NULL OR status = $3)
      AND ($4::text IS NULL OR account_id = $4)
      AND ($5::timestamptz IS NULL OR due_at < $5::timestamptz)
      AND ($6::timestamptz IS NULL OR due_at >= $6::timestamptz)
      AND ($7::bigint IS NULL OR seq < $7::bigint)
    ORDER BY seq DESC LIMIT $8`,
});

/** CSM tasks (playbooks.tasks). */
@Injectable()
export class TaskRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Gives the account's open tasks that were `formerOwners`' (compared case-insensitively) or
   * nobody's to `owner`; a task assigned to someone else (by hand, or a manager step) keeps its
   * assignee. Answers the tasks that moved, as they now stand.
   */
  async reassignOpenOfAccount(
    m: EntityManager,
    key: { readonly workspaceId: string; readonly accountId: string },
    formerOwners: readonly string[],
    owner: string | null,
  ): Promise<TaskRow[]> {
    return returnedRows<TaskRow>(
      await m.query(SQL.reassignOpenOfAccount, [
        key.workspaceId,
        key.accountId,
        owner,
        formerOwners.map((o) => o.toLowerCase()),
      ]),
    );
  }

  /**
   * Gives the open tasks the workspace's former fallback owner held (null: nobody) on accounts
   * without an owner to the new fallback owner; a task whose owner a person chose keeps it.
   * Answers the tasks that moved, as they now stand.
   */
  async reassignOpenOfFallback(
    m: EntityManager,
    workspaceId: string,
    formerFallbackOwner: string | null,
    fallbackOwner: string,
    now: Date,
  ): Promise<TaskRow[]> {
    return returnedRows<TaskRow>(
      await m.query(SQL.reassignOpenOfFallback, [
        workspaceId,
        formerFallbackOwner,
        fallbackOwner,
        now.toISOString(),
      ]),
    );
  }

  async insertMany(m: EntityManager, tasks: readonly NewTask[], now: Date): Promise<void> {
    if (tasks.length > 0) await m.query(SQL.insertMany, [recordsetParam(tasks), now.toISOString()]);
  }

  /** Closes the open tasks of ended runs as skipped, each with its run's why; answers them. */
  async skipOpenOfRuns(
    m: EntityManager,
    ended: readonly { readonly runId: string; readonly why: string }[],
    now: Date,
  ): Promise<TaskRow[]> {
    if (ended.length === 0) return [];
    return returnedRows<TaskRow>(
      await m.query(SQL.skipOpenOfRuns, [
        recordsetParam(ended.map((e) => ({ runId: e.runId, why: e.why }))),
        now.toISOString(),
      ]),
    );
  }

  /**
   * Skips the open playbook tasks (those of a run) of these accounts, whatever their run's state;
   * tasks people created by hand stay. Answers them.
   */
  async skipOpenRunTasksOfAccounts(
    m: EntityManager,
    accounts: readonly { readonly workspaceId: string; readonly accountId: string }[],
    why: string,
    now: Date,
  ): Promise<TaskRow[]> {
    if (accounts.length === 0) return [];
    return returnedRows<TaskRow>(
      await m.query(SQL.skipOpenRunTasksOfAccounts, [
        accounts.map((a) => a.workspaceId),
        accounts.map((a) => a.accountId),
        why,
        now.toISOString(),
      ]),
    );
  }

  /** The status of each task of these runs, by run and step. */
  async statusesOfRuns(
    m: EntityManager,
    runIds: readonly string[],
  ): Promise<Map<string, Map<string, TaskStatus>>> {
    const rows: { run_id: string; step_id: string; status: TaskStatus }[] = await m.query(
      SQL.statusesOfRuns,
      [runIds],
    );
    const byRun = new Map<string, Map<string, TaskStatus>>();
    for (const t of rows) {
      const map = byRun.get(t.run_id) ?? new Map<string, TaskStatus>();
      map.set(t.step_id, t.status);
      byRun.set(t.run_id, map);
    }
    return byRun;
  }

  /** Inserts a task a person created; answers its row. */
  async insertByHand(m: EntityManager, t: HandMadeTask, now: Date): Promise<TaskRow> {
    const [row]: TaskRow[] = await m.query(SQL.insertByHand, [
      t.id,
      t.workspaceId,
      t.accountId,
      t.title,
      t.description,
      t.owner,
      t.ownerSetByHand,
      t.priority,
      t.dueAt,
      now.toISOString(),
    ]);
    return row!;
  }

  /** Changes an open task (owner, due date, closing it); null when it is not open (or not there). */
  async updateOpen(
    m: EntityManager,
    workspaceId: string,
    id: string,
    change: TaskChange,
    now: Date,
  ): Promise<TaskRow | null> {
    const [row] = returnedRows<TaskRow>(
      await m.query(SQL.updateOpen, [
        workspaceId,
        id,
        change.owner !== undefined,
        change.owner ?? null,
        change.dueAt !== undefined,
        change.dueAt ?? null,
        change.status ?? null,
        change.note ?? null,
        now.toISOString(),
      ]),
    );
    return row ?? null;
  }

  async find(
    workspaceId: string,
    id: string,
    m: EntityManager = this.dataSource.manager,
  ): Promise<TaskRow | null> {
    const [row]: TaskRow[] = await m.query(SQL.byId, [workspaceId, id]);
    return row ?? null;
  }

  /** A workspace's tasks, newest first. */
  async page(workspaceId: string, f: TaskPageFilter): Promise<TaskRow[]> {
    return this.dataSource.query(SQL.page, [
      workspaceId,
      f.owner ?? null,
      f.status ?? null,
      f.accountId ?? null,
      f.dueBefore ?? null,
      f.dueAfter ?? null,
      f.beforeSeq ?? null,
      f.limit,
      f.unassigned === true,
    ]);
  }
}
