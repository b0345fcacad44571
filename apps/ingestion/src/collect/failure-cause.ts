import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { PoisonMessageError } from '@tsuzuku/platform-kafka';

/**
 * SQLSTATE classes of a statement Postgres refused, whatever its availability: cardinality
 * violation, data exception (a NUL, a number or date out of range), integrity constraint
 * violation, syntax error or access rule violation, program limit exceeded (an index row too
 * big). Retrying the same request would fail the same way.
 */
const REFUSED_STATEMENT_CLASSES = new Set(['21', '22', '23', '42', '54']);

/** An error of our own code (a bug), never of an unreachable dependency. */
function isProgrammingError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError ||
    error instanceof ReferenceError ||
    error instanceof PoisonMessageError
  );
}

/**
 * Whether a failed database call means Postgres is unreachable or busy (503, retry later):
 * refused connections, pool timeouts, terminated connections, lock timeouts, shutdowns. Not so
 * for a statement Postgres refused (REFUSED_STATEMENT_CLASSES) or an error of our own code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isProgrammingError(error)) return false;
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (!(cause instanceof DatabaseError) || cause.code === undefined) return true;
  return !REFUSED_STATEMENT_CLASSES.has(cause.code.slice(0, 2));
}

/**
 * Whether a failed send means Kafka is unreachable or slow (503, retry later): anything but an
 * error of our own code, such as an envelope that breaks its contract.
 */
export function isKafkaUnavailable(error: unknown): boolean {
  return !isProgrammingError(error);
}
