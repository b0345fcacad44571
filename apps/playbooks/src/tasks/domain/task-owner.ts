/** Who else a task may go to, when the step names no one in particular. */
export interface TaskOwnerCandidates {
  /** The account's owner (its CSM), null when it names none. */
  readonly accountOwner: string | null;
  /** The owner of the alert that started the run, if one did. */
  readonly alertOwner: string | null;
  /** PLAYBOOK_MANAGER_EMAIL, for `manager` tasks. */
  readonly manager: string | null;
  /** The workspace's fallback owner (ingestion's setting, applied from cs.workspaces.v1). */
  readonly fallbackOwner: string | null;
}

/**
 * The owner of a task a step creates. `who` is the step's `owner` (or its older name
 * `assignee`): absent, `account` (or its older value `owner`) is the account's owner, else the
 * alert's, else the workspace's fallback owner; `manager` is the manager, else the fallback
 * owner; anything else is an email. A task has no owner only when no fallback owner is set.
 */
export function taskOwnerFor(who: string | undefined, c: TaskOwnerCandidates): string | null {
  if (who === undefined || who === 'account' || who === 'owner')
    return c.accountOwner ?? c.alertOwner ?? c.fallbackOwner;
  if (who === 'manager') return c.manager ?? c.fallbackOwner;
  return who;
}

/** The step's choice of owner under its name (`owner`) or the one it had before (`assignee`). */
export function stepOwnerOf(step: {
  readonly owner?: string;
  readonly assignee?: string;
}): string | undefined {
  return step.owner ?? step.assignee;
}
