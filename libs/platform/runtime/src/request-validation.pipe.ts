import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { validationProblems } from '@tsuzuku/platform-config';
import type { ApiProblem } from './api-exception';

function invalidRequest(errors: readonly ApiProblem[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'invalid_request',
    message: 'the request body is invalid',
    errors,
  });
}

const BUILT_IN_TYPES: readonly unknown[] = [Object, String, Number, Boolean, Array];

/**
 * Validates a request body as a whole: a DTO body must be a JSON object (null, an array or a
 * scalar is 400, never taken for an empty object); no body at all is validated as {} so that
 * its required fields are reported.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    const dto = typeof metatype === 'function' && !BUILT_IN_TYPES.includes(metatype);
    // The whole body (not one of its fields, as @Body('name') takes) of a DTO type.
    if (metadata.type === 'body' && metadata.data === undefined && dto && value !== undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalidRequest([{ path: '', message: 'the body must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validates request DTOs (cold paths: admin and management APIs). A refusal is a 400 whose body
 * lists every problem with its field path; unknown fields are refused too, and so is a body
 * that is not a JSON object.
 */
export function requestValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => invalidRequest(validationProblems(errors)),
  });
}
