import { HttpException, HttpStatus } from '@nestjs/common';

/** A field at fault in a refused request, as every Tsuzuku API reports it. */
export interface ApiProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A refused API request in the shape every Tsuzuku API answers with: `statusCode`, a stable
 * `error` code, a `message`, and `errors` (each with its field path) when fields are at fault.
 * Features subclass it with their own codes.
 */
export class ApiException<TCode extends string = string> extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: TCode,
    message: string,
    readonly problems: readonly ApiProblem[] = [],
    /** Further fields of the body, e.g. a batch's per-item report. */
    extra: Record<string, unknown> = {},
  ) {
    super(
      {
        statusCode: status,
        error: code,
        message,
        ...(problems.length > 0 ? { errors: problems } : {}),
        ...extra,
      },
      status,
    );
  }
}
