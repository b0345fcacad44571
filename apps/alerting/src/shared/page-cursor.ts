/** Where a page ended in a list ordered newest first: the last row's time and id. */
export interface PageCursor {
  readonly at: string;
  readonly id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]{1,512}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque cursor a client sends back for the next page. */
export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

/** Reads a cursor back; null for anything this API did not issue. */
export function decodePageCursor(raw: string): PageCursor | null {
  if (!BASE64URL.test(raw)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !UUID.test(id))
      return null;
    return { at, id };
  } catch {
    return null;
  }
}
