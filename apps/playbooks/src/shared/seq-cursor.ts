import { CursorCodec, CursorOf, Page, cursorField, readAheadPage } from '@tsuzuku/platform-runtime';

const seqKeys = { seq: cursorField.int8() };

/** Where a page ended in a list ordered by a bigserial `seq`, newest first: the last row's seq. */
export type SeqCursor = CursorOf<typeof seqKeys>;

/** The cursors of the run list. */
export const RUNS_CURSOR = new CursorCodec('playbook-runs', seqKeys);

/** The cursors of the task list. */
export const TASKS_CURSOR = new CursorCodec('tasks', seqKeys);

/** The cursors of the trigger-decision list. */
export const DECISIONS_CURSOR = new CursorCodec('trigger-decisions', seqKeys);

/** The cursor that points just past a row of a seq-ordered list. */
const seqCursorOf = (row: { readonly seq: string }): SeqCursor => ({ seq: row.seq });

/**
 * A page of a list ordered by seq, newest first: `read` gets the caller's filters with the
 * cursor's seq as `beforeSeq` and the number of rows to read (one past the page).
 */
export function seqPage<F extends { readonly cursor?: SeqCursor }, R extends { readonly seq: string }>(
  codec: CursorCodec<typeof seqKeys>,
  limit: number,
  filter: F,
  read: (
    filter: Omit<F, 'cursor'> & { readonly beforeSeq?: string; readonly limit: number },
  ) => Promise<readonly R[]>,
): Promise<Page<R>> {
  const { cursor, ...filters } = filter;
  return readAheadPage(
    limit,
    (count) => read({ ...filters, beforeSeq: cursor?.seq, limit: count }),
    codec,
    seqCursorOf,
  );
}
