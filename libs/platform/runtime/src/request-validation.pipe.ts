import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { validationProblems } from '@tsuzuku/platform-config';

/**
 * Validates request DTOs (cold paths: admin and management APIs). A refusal is a 400 whose body
 * lists every problem with its field path; unknown fields are refused too.
 */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        statusCode: 400,
        error: 'invalid_request',
        message: 'the request body is invalid',
        errors: validationProblems(errors),
      }),
  });
}
