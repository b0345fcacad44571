import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { unsafeStringReason } from '@tsuzuku/contracts';
import { ApiException } from './api-exception';
import { isInstant } from './calendar-values';

/**
 * The one cursor codec of every Tsuzuku list: a cursor is base64url of a JSON array, the list's
 * name first, then the last row's keys. Reading one back is strict: the list's name must match,
 * and each key must be what that list issues (a real instant, a uuid, an int8, a decimal, a bounded
 * string without NUL or unpaired surrogates), so a malformed or forged cursor is a 400
 * invalid_cursor and never reaches a query.
 */

/** A cursor this API did not issue, or issued for another list. */
export class InvalidCursorException extends ApiException<'invalid_cursor'> {
  constructor(path: string, problem = 'is not a cursor this API issued') {
    super(HttpStatus.BAD_REQUEST, 'invalid_cursor', `${path} ${problem}`, [{ path, message: problem }]);
  }
}

/** How one key of a cursor is read back: its value, or undefined when it is not one. */
export interface CursorField<T> {
  read(value: unknown): T | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT8_MAX = 2n ** 63n - 1n;
const DECIMAL = /^-?\d{1,20}(\.\d{1,20})?$/;

/** The keys a cursor can hold. */
export const cursorField = {
  /** An ISO-8601 instant that exists (see isInstant). */
  instant: (): CursorField<string> => ({ read: (v) => (isInstant(v) ? v : undefined) }),
  uuid: (): CursorField<string> => ({ read: (v) => (typeof v === 'string' && UUID.test(v) ? v : undefined) }),
  /** A non-negative int8 (a bigserial), as decimal text. */
  int8: (): CursorField<string> => ({
    read: (v) => (typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= INT8_MAX ? v : undefined),
  }),
  /** An exact decimal as Postgres prints a numeric, at most 20 digits each side of the point. */
  decimal: (): CursorField<string> => ({
    read: (v) => (typeof v === 'string' && DECIMAL.test(v) ? v : undefined),
  }),
  /** A string Postgres can carry, of at most `maxLength` characters. */
  text: (maxLength: number): CursorField<string> => ({
    read: (v) =>
      typeof v === 'string' && v.length <= maxLength && unsafeStringReason(v) === undefined ? v : undefined,
  }),
  nullable: <T>(field: CursorField<T>): CursorField<T | null> => ({
    read: (v) => (v === null ? null : field.read(v)),
  }),
};

/** The keys of one list's cursor, in order. */
export type CursorSpec = Record<string, CursorField<unknown>>;

/** The decoded cursor of a spec: one key per field. */
export type CursorOf<S extends CursorSpec> = {
  readonly [K in keyof S]: S[K] extends CursorField<infer T> ? T : never;
};

// Room for the longest key any list puts in a cursor (1,024 characters of any script), and still
// well inside Node's 16 KB limit on a request's URL and headers.
const MAX_CURSOR_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Encodes and strictly decodes the cursors of one list. */
export class CursorCodec<S extends CursorSpec> {
  private readonly names: readonly (keyof S & string)[];

  /** `list` names the list (e.g. "alerts"): a cursor of another list is refused. */
  constructor(
    readonly list: string,
    private readonly spec: S,
  ) {
    this.names = Object.keys(spec);
  }

  /** The cursor's keys, in the order the list sorts by. */
  get fields(): readonly (keyof S & string)[] {
    return this.names;
  }

  /** The opaque cursor a client sends back for the next page. */
  encode(cursor: CursorOf<S>): string {
    return Buffer.from(JSON.stringify([this.list, ...this.names.map((n) => cursor[n])]), 'utf8').toString(
      'base64url',
    );
  }

  /** The cursor's keys; InvalidCursorException (naming `path`) for anything this list did not issue. */
  decode(raw: unknown, path = 'cursor'): CursorOf<S> {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw))
      throw new InvalidCursorException(path);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorException(path);
    }
    if (!Array.isArray(parsed)) throw new InvalidCursorException(path);
    const [list, ...values] = parsed as unknown[];
    if (list !== this.list) {
      if (typeof list === 'string' && list.length <= 64 && unsafeStringReason(list) === undefined)
        throw new InvalidCursorException(path, `was issued for ${list}, not ${this.list}`);
      throw new InvalidCursorException(path);
    }
    if (values.length !== this.names.length) throw new InvalidCursorException(path);
    const cursor: Record<string, unknown> = {};
    for (const [i, name] of this.names.entries()) {
      const value = this.spec[name]!.read(values[i]);
      if (value === undefined) throw new InvalidCursorException(path);
      cursor[name] = value;
    }
    return cursor as CursorOf<S>;
  }
}

/**
 * A query DTO's `cursor`: documented as the previous page's nextCursor, decoded (strictly) while
 * the query is transformed, so the DTO holds the typed cursor and a bad one is a 400
 * invalid_cursor. `codecOf` may pick the codec from the rest of the query (e.g. its sort);
 * undefined leaves the field out, for the query's own problem to be reported.
 */
export function CursorQuery<S extends CursorSpec>(
  codecOf: CursorCodec<S> | ((query: Record<string, unknown>) => CursorCodec<S> | undefined),
  description = 'nextCursor of the previous page',
): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String, description })(target, key);
    IsOptional()(target, key);
    Transform(({ value, obj }: { value: unknown; obj: Record<string, unknown> }) => {
      if (value === undefined) return undefined;
      const codec = typeof codecOf === 'function' ? codecOf(obj) : codecOf;
      return codec?.decode(value, String(key));
    })(target, key);
  };
}
