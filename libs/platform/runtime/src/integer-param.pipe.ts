import { ArgumentMetadata, HttpStatus, Injectable, PipeTransform } from '@nestjs/common';
import { ApiException } from './api-exception';

/** The largest value of a Postgres integer (int4) column. */
export const INT4_MAX = 2_147_483_647;

/**
 * A path or query parameter that must be an integer from `min` to `max` (by default a positive
 * int4, what a version or sequence number column holds): anything else is a 400 naming the
 * parameter, never a value past its column.
 */
@Injectable()
export class IntegerParamPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly min = 1,
    private readonly max = INT4_MAX,
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): number {
    const name = metadata.data ?? 'value';
    const number = typeof value === 'string' && /^-?\d{1,20}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(number) && number >= this.min && number <= this.max) return number;
    const problem = `must be an integer from ${this.min} to ${this.max}`;
    throw new ApiException(
      HttpStatus.BAD_REQUEST,
      'invalid_request',
      `${name} ${problem}`,
      [{ path: name, message: problem }],
      { in: metadata.type === 'query' ? 'query' : metadata.type === 'body' ? 'body' : 'path' },
    );
  }
}
