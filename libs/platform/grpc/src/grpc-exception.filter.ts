import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, RpcExceptionFilter } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';

/** The error a unary gRPC handler answers: grpc-js sends `code` and `details`. */
export interface GrpcError {
  readonly code: status;
  readonly details: string;
}

const CODES: Readonly<Partial<Record<number, status>>> = {
  [HttpStatus.BAD_REQUEST]: status.INVALID_ARGUMENT,
  [HttpStatus.UNPROCESSABLE_ENTITY]: status.INVALID_ARGUMENT,
  [HttpStatus.PAYLOAD_TOO_LARGE]: status.INVALID_ARGUMENT,
  [HttpStatus.UNAUTHORIZED]: status.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: status.PERMISSION_DENIED,
  [HttpStatus.NOT_FOUND]: status.NOT_FOUND,
  [HttpStatus.CONFLICT]: status.ABORTED,
  [HttpStatus.PRECONDITION_FAILED]: status.FAILED_PRECONDITION,
  [HttpStatus.TOO_MANY_REQUESTS]: status.RESOURCE_EXHAUSTED,
  [HttpStatus.SERVICE_UNAVAILABLE]: status.UNAVAILABLE,
  [HttpStatus.GATEWAY_TIMEOUT]: status.DEADLINE_EXCEEDED,
};

/**
 * The gRPC status of what a guard, pipe or handler threw, with details that say what was wrong
 * and where, as the REST body does: `path: message; ...` for a refused request (INVALID_ARGUMENT),
 * the message otherwise. Anything that is not an API refusal is INTERNAL with no details of it.
 * Undefined when it is not one of ours to answer (answered INTERNAL by the caller).
 */
export function grpcErrorOf(exception: unknown): GrpcError | undefined {
  if (exception instanceof HttpException) {
    const code = CODES[exception.getStatus()];
    if (code === undefined) return undefined;
    const body = exception.getResponse();
    const problems =
      typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)
        ? ((body as { errors: { path: string; message: string }[] }).errors ?? [])
        : [];
    const message =
      typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : exception.message;
    return {
      code,
      details: problems.length > 0 ? problems.map((p) => `${p.path}: ${p.message}`).join('; ') : message,
    };
  }
  if (exception instanceof RpcException) {
    const error = exception.getError();
    if (typeof error === 'object' && error !== null && typeof (error as GrpcError).code === 'number')
      return error as GrpcError;
  }
  return undefined;
}

/** Answers a gRPC call's refusal with its status code (grpcErrorOf); anything else is INTERNAL, logged. */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('Grpc');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const known = grpcErrorOf(exception);
    if (known) return throwError(() => known);
    this.logger.error(`gRPC call failed: ${(exception as Error).stack ?? String(exception)}`);
    return throwError((): GrpcError => ({ code: status.INTERNAL, details: 'internal error' }));
  }
}
