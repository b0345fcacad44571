import { CursorCodec, CursorOf, cursorField } from '@tsuzuku/platform-runtime';

const movementKeys = { at: cursorField.instant(), accountId: cursorField.text(1024) };

/** Where a page of MRR movements ended: the last movement's time and account. */
export type MovementsCursor = CursorOf<typeof movementKeys>;

/** The cursors of the MRR movement list (REST and gRPC). */
export const MOVEMENTS_CURSOR = new CursorCodec('mrr-movements', movementKeys);
