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

/**
 * Whether a failed database call or Kafka send is a fault of ours, which retrying the same
 * request cannot fix: a statement Postgres refused, an envelope that breaks its contract, a bug.
 * Such a failure is a 500; any other (a refused or lost connection, a pool or lock timeout, a
 * database shutting down or refusing connections, a broker that does not answer) is an outage,
 * a 503 with Retry-After. Broader than "unreachable" on purpose: for an HTTP client every
 * failure that is not ours is worth a retry, and none caused by the input may be a 503 (the
 * input is checked before any I/O).
 */
export function isFaultOfOurs(error: unknown): boolean {
  if (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError ||
    error instanceof ReferenceError ||
    error instanceof PoisonMessageError
  )
    return true;
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  return (
    cause instanceof DatabaseError &&
    cause.code !== undefined &&
    REFUSED_STATEMENT_CLASSES.has(cause.code.slice(0, 2))
  );
}
