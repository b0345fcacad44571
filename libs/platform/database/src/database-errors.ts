/** The SQLSTATE of a Postgres error, as pg raises it or as TypeORM wraps it; undefined for any other error. */
export function postgresErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = driverError?.code ?? code;
  return typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState) ? sqlState : undefined;
}

/**
 * Whether Postgres refused the values themselves (SQLSTATE class 22, data exception: a string it
 * cannot store, a number out of range, a malformed date...). The same values fail the same way on
 * every retry, unlike a lost connection or a lock timeout.
 */
export function isDataException(error: unknown): boolean {
  return postgresErrorCode(error)?.startsWith('22') ?? false;
}
