import { CursorCodec, CursorOf, cursorField } from '@tsuzuku/platform-runtime';

const seqKeys = { seq: cursorField.int8() };

/** Where a page ended in a list ordered by a bigserial `seq`, newest first: the last row's seq. */
export type SeqCursor = CursorOf<typeof seqKeys>;

/** The cursors of the run list. */
export const RUNS_CURSOR = new CursorCodec('playbook-runs', seqKeys);

/** The cursors of the task list. */
export const TASKS_CURSOR = new CursorCodec('tasks', seqKeys);

/** The cursors of the trigger-decision list. */
export const DECISIONS_CURSOR = new CursorCodec('trigger-decisions', seqKeys);
