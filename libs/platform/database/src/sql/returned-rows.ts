/**
 * The rows a statement returned, whatever its kind: TypeORM's Postgres driver answers UPDATE and
 * DELETE ... RETURNING as [rows, affected count], SELECT and INSERT as the rows alone.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  )
    return result[0] as T[];
  if (!Array.isArray(result)) throw new Error('a query answered something other than rows');
  return result as T[];
}

/** How many rows an UPDATE or DELETE touched (without RETURNING TypeORM answers [[], count]). */
export function affectedCount(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  if (Array.isArray(result)) return result.length;
  throw new Error('a query answered something other than rows');
}
