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

/** Where in a request a refused value was: the body, the query string, the path or a header. */
export type RequestLocation = 'body' | 'query' | 'path' | 'header';

/**
 * The same refusal, saying which part of the request was wrong (`in`), for an ApiException
 * thrown where the part is not known (a cursor decoded while a query DTO is built).
 */
export function locatedIn(error: ApiException, part: RequestLocation): ApiException {
  const body = error.getResponse() as Record<string, unknown>;
  if (typeof body === 'object' && body !== null && 'in' in body) return error;
  const { statusCode: _status, error: _code, message: _message, errors: _errors, ...extra } = body;
  return new ApiException(error.getStatus(), error.code, error.message, error.problems, {
    ...extra,
    in: part,
  });
}
