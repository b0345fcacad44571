/** How the account list can be ordered: by score (riskiest first), by score descending, by name. */
export const ACCOUNT_SORTS = ['score', '-score', 'name'] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

/**
 * Where a page of the account list ended: the last row's sort key and account id. The key is the
 * score as Postgres prints it (exact, no float rounding) or null for an unscored account; for
 * `name` it is the name key (never null).
 */
export interface AccountCursor {
  readonly sort: AccountSort;
  readonly key: string | null;
  readonly accountId: string;
}

export type CursorDecoding =
  { readonly ok: true; readonly cursor: AccountCursor } | { readonly ok: false; readonly problem: string };

const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The opaque cursor a client sends back for the next page: base64url of a small JSON array. */
export function encodeCursor(cursor: AccountCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.accountId]), 'utf8').toString(
    'base64url',
  );
}

/** Reads a cursor back, refusing anything this API did not issue for the same sort. */
export function decodeCursor(raw: string, sort: AccountSort): CursorDecoding {
  const invalid = { ok: false, problem: 'is not a cursor this API issued' } as const;
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) return invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return invalid;
  const [cursorSort, key, accountId] = parsed as unknown[];
  if (!ACCOUNT_SORTS.includes(cursorSort as AccountSort)) return invalid;
  if (typeof accountId !== 'string' || accountId.length === 0) return invalid;
  if (cursorSort !== sort)
    return { ok: false, problem: `was issued for sort=${String(cursorSort)}, not sort=${sort}` };
  if (sort === 'name') {
    if (typeof key !== 'string') return invalid;
  } else if (key !== null && (typeof key !== 'string' || !DECIMAL.test(key))) {
    return invalid;
  }
  return { ok: true, cursor: { sort, key: key as string | null, accountId } };
}
