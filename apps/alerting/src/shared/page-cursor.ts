import { CursorCodec, CursorOf, cursorField } from '@tsuzuku/platform-runtime';

const pageKeys = { at: cursorField.instant(), id: cursorField.uuid() };

/** Where a page ended in a list ordered newest first: the last row's time and id. */
export type PageCursor = CursorOf<typeof pageKeys>;

/** The cursors of the alert list (by opened_at, id). */
export const ALERTS_CURSOR = new CursorCodec('alerts', pageKeys);

/** The cursors of the delivery list (by created_at, id). */
export const DELIVERIES_CURSOR = new CursorCodec('deliveries', pageKeys);

/** The cursors of the alert-rule list (oldest first: created_at, id). */
export const RULES_CURSOR = new CursorCodec('alert-rules', pageKeys);

/** The cursors of the notification-channel list (oldest first: created_at, id). */
export const CHANNELS_CURSOR = new CursorCodec('notification-channels', pageKeys);
