import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiException, CodedApiException } from './api-exception';

enum ThingExceptionCode {
  ThingNotFound = 'thing_not_found',
  InvalidThing = 'invalid_thing',
}

class ThingException extends CodedApiException<ThingExceptionCode>({
  [ThingExceptionCode.ThingNotFound]: HttpStatus.NOT_FOUND,
  [ThingExceptionCode.InvalidThing]: HttpStatus.BAD_REQUEST,
}) {}

describe('CodedApiException', () => {
  it('answers with the status of its code, in the one body shape', () => {
    const missing = new ThingException(ThingExceptionCode.ThingNotFound, 'no thing t1');
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
      ThingExceptionCode.InvalidThing,
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
