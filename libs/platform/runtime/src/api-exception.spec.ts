import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiException, CodedApiException } from './api-exception';

class ThingException extends CodedApiException({
  thing_not_found: HttpStatus.NOT_FOUND,
  invalid_thing: HttpStatus.BAD_REQUEST,
}) {}

describe('CodedApiException', () => {
  it('answers with the status of its code, in the one body shape', () => {
    const missing = new ThingException('thing_not_found', 'no thing t1');
    expect(missing).toBeInstanceOf(ThingException);
    expect(missing).toBeInstanceOf(ApiException);
    expect(missing).toBeInstanceOf(HttpException);
    expect(missing.getStatus()).toBe(404);
    expect(missing.code).toBe('thing_not_found');
    expect(missing.getResponse()).toEqual({
      statusCode: 404,
      error: 'thing_not_found',
      message: 'no thing t1',
    });
  });

  it('lists the fields at fault and any further body fields', () => {
    const invalid = new ThingException(
      'invalid_thing',
      'the thing is invalid',
      [{ path: 'name', message: 'name is required' }],
      { hint: 'see the docs' },
    );
    expect(invalid.getStatus()).toBe(400);
    expect(invalid.getResponse()).toEqual({
      statusCode: 400,
      error: 'invalid_thing',
      message: 'the thing is invalid',
      errors: [{ path: 'name', message: 'name is required' }],
      hint: 'see the docs',
    });
  });
});
