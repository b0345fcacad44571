import { CursorCodec, CursorOf, CursorSpec } from './cursor-codec';
import { Page } from './page';

/**
 * A page of a list read by its cursor key, one row past its end: `read(limit + 1)` answers the
 * rows in list order from where the caller's cursor points; a row past `limit` says another page
 * follows, and the next cursor is the key of the page's last row.
 */
export async function readAheadPage<R, S extends CursorSpec>(
  limit: number,
  read: (count: number) => Promise<readonly R[]>,
  codec: CursorCodec<S>,
  keyOf: (last: R) => CursorOf<S>,
): Promise<Page<R>> {
  const rows = await read(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? codec.encode(keyOf(last)) : null };
}
