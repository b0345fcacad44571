import { ApiProperty, ApiPropertyOptional, ApiResponseSchemaHost } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CursorCodec, CursorOf, CursorSpec } from './cursor-codec';
import { ToInteger } from './query-transforms';

/**
 * The one shape of every list of the Tsuzuku APIs: a page of `items` and the `nextCursor` to pass
 * back as `cursor` for the next page (null on the last page).
 */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Page size when a list is asked for none. */
export const DEFAULT_PAGE_LIMIT = 50;
/** Largest page size any list answers. */
export const MAX_PAGE_LIMIT = 200;

/** The `limit` every list takes; a list adds its own `@CursorQuery(codec) cursor`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;
}

/** The OpenAPI schema of a page whose items have `itemSchema` (for lists documented by raw schema). */
export function pageSchema(itemSchema: ApiResponseSchemaHost['schema']): ApiResponseSchemaHost['schema'] {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: itemSchema },
      nextCursor: {
        type: 'string',
        nullable: true,
        description: 'pass as cursor for the next page; null on the last page',
      },
    },
  };
}

/**
 * A page DTO class for OpenAPI: `{ items: itemType[], nextCursor }`, named `<name>`, with the
 * order of the items in `itemsDescription` where it is worth saying.
 */
export function PageDto<T>(
  itemType: new (...args: never[]) => T,
  name: string,
  itemsDescription?: string,
): new () => Page<T> {
  class PageOf {
    @ApiProperty({
      type: [itemType],
      ...(itemsDescription === undefined ? {} : { description: itemsDescription }),
    })
    items!: T[];
    @ApiProperty({
      type: String,
      nullable: true,
      description: 'pass as cursor for the next page; null on the last page',
    })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageOf, 'name', { value: name });
  return PageOf;
}

type KeyValue = string | number | null;

const DIGITS = /^\d{1,19}$/;
const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T/;

/**
 * Orders two cursor key values: null first, integers as text by value, instants by time, other
 * strings by code unit (as Postgres orders uuids and "C"-collated text).
 */
function compareValues(a: KeyValue, b: KeyValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  if (DIGITS.test(x) && DIGITS.test(y)) {
    const d = BigInt(x) - BigInt(y);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  if (INSTANT_TEXT.test(x) && INSTANT_TEXT.test(y)) {
    const d = Date.parse(x) - Date.parse(y);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Pages a small collection read whole (a workspace's rules, channels, scorecards, playbooks,
 * credentials): the rows ordered by their cursor key (the spec's fields in order, each
 * ascending), then the first `limit` after `cursor`. The key must be unique per row (end it with
 * the id), so that a page never repeats or skips a row, even when rows come and go between pages.
 */
export function pageOf<T, S extends CursorSpec>(
  rows: readonly T[],
  codec: CursorCodec<S>,
  keyOf: (row: T) => CursorOf<S>,
  query: { readonly limit?: number; readonly cursor?: CursorOf<S> },
): Page<T> {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  const names = codec.fields;
  const compare = (a: CursorOf<S>, b: CursorOf<S>): number => {
    for (const name of names) {
      const d = compareValues(a[name] as KeyValue, b[name] as KeyValue);
      if (d !== 0) return d;
    }
    return 0;
  };
  const keyed = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => compare(a.key, b.key));
  const after = query.cursor;
  const rest = after === undefined ? keyed : keyed.filter((k) => compare(k.key, after) > 0);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((k) => k.row),
    nextCursor: rest.length > limit && last ? codec.encode(last.key) : null,
  };
}
