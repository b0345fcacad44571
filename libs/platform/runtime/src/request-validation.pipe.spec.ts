import { ArgumentMetadata, BadRequestException, HttpException } from '@nestjs/common';
import { IsDefined, IsOptional, IsString } from 'class-validator';
import { CursorCodec, CursorQuery, cursorField } from './cursor-codec';
import { PageQuery } from './page';
import { requestValidationPipe } from './request-validation.pipe';

const THINGS = new CursorCodec('things', { id: cursorField.uuid() });

class ThingsQuery extends PageQuery {
  @CursorQuery(THINGS)
  cursor?: { id: string };
}

class NamedDto {
  @IsDefined({ message: 'name is required' })
  @IsString()
  name!: string;

  @IsOptional()
  @IsString()
  note?: string;
}

const body: ArgumentMetadata = { type: 'body', metatype: NamedDto };

async function refusal(value: unknown, metadata: ArgumentMetadata = body): Promise<unknown> {
  try {
    await requestValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error('accepted');
}

describe('requestValidationPipe', () => {
  it('says in: query for a refused query string: a limit, an unknown field, a forged cursor', async () => {
    const query: ArgumentMetadata = { type: 'query', metatype: ThingsQuery };
    const refused = async (value: Record<string, string>) => {
      try {
        await requestValidationPipe().transform(value, query);
      } catch (error) {
        expect(error).toBeInstanceOf(HttpException);
        return (error as HttpException).getResponse();
      }
      throw new Error('accepted');
    };
    expect(await refused({ limit: '0' })).toMatchObject({ in: 'query', errors: [{ path: 'limit' }] });
    expect(await refused({ colour: 'red' })).toMatchObject({ in: 'query', errors: [{ path: 'colour' }] });
    expect(await refused({ cursor: 'forged' })).toEqual({
      statusCode: 400,
      error: 'invalid_cursor',
      message: 'cursor is not a cursor this API issued',
      in: 'query',
      errors: [{ path: 'cursor', message: 'is not a cursor this API issued' }],
    });
    const cursor = THINGS.encode({ id: '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f' });
    await expect(requestValidationPipe().transform({ limit: '2', cursor }, query)).resolves.toEqual(
      Object.assign(new ThingsQuery(), { limit: 2, cursor: { id: '6f1c1c7e-2f0a-4a4e-9a55-0f6f1f1f1f1f' } }),
    );
  });

  it.each([null, [], [{ name: 'a' }], 42, 'name', true])(
    'refuses %j as a body: not a JSON object',
    async (value) => {
      expect(await refusal(value)).toEqual({
        statusCode: 400,
        error: 'invalid_request',
        message: 'the request body is invalid',
        in: 'body',
        errors: [{ path: '', message: 'the body must be a JSON object' }],
      });
    },
  );

  it('validates an empty or absent body as an object, so each required field is named', async () => {
    for (const value of [{}, undefined])
      expect(await refusal(value)).toMatchObject({
        errors: [
          { path: 'name', message: 'is required' },
          { path: 'name', message: 'must be a string' },
        ],
      });
  });

  it('accepts a whole object, and refuses unknown fields', async () => {
    await expect(requestValidationPipe().transform({ name: 'a' }, body)).resolves.toBeInstanceOf(NamedDto);
    expect(await refusal({ name: 'a', colour: 1 })).toMatchObject({ errors: [{ path: 'colour' }] });
  });

  it('leaves a single field of the body and untyped bodies to their own checks', async () => {
    const field: ArgumentMetadata = { type: 'body', metatype: String, data: 'name' };
    await expect(requestValidationPipe().transform('a', field)).resolves.toBe('a');
    const untyped: ArgumentMetadata = { type: 'body', metatype: Object };
    await expect(requestValidationPipe().transform(null, untyped)).resolves.toBeNull();
  });

  it('says whether the query string, the path or the body was wrong', async () => {
    expect(await refusal({}, { type: 'query', metatype: NamedDto })).toMatchObject({
      message: 'the query string is invalid',
      in: 'query',
      errors: expect.arrayContaining([expect.objectContaining({ path: 'name' })]),
    });
    expect(await refusal({ name: 1 }, { type: 'param', metatype: NamedDto })).toMatchObject({
      message: 'the path is invalid',
      in: 'path',
    });
    expect(await refusal({ name: 'a', extra: 1 })).toMatchObject({
      message: 'the request body is invalid',
      in: 'body',
    });
  });
});
