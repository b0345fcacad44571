import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { unsafeInputProblem } from '@tsuzuku/platform-runtime';

/**
 * The boundary HTTP has in Fastify (no NUL, unpaired surrogate or non-finite number anywhere in
 * a request), for a gRPC message: a 400 naming the field, answered INVALID_ARGUMENT.
 */
@Injectable()
export class GrpcInputBoundaryPipe implements PipeTransform {
  transform(value: unknown): unknown {
    const problem = unsafeInputProblem(value);
    if (problem)
      throw new BadRequestException({
        statusCode: 400,
        error: 'invalid_request',
        message: `${problem.path}: ${problem.message}`,
        errors: [problem],
      });
    return value;
  }
}

/** Fields of a reply without its nulls: proto3 leaves an optional field unset. */
export function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}
