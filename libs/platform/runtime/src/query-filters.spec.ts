import { ArgumentMetadata, HttpException } from '@nestjs/common';
import { EnumListFilter, TextFilter } from './query-filters';
import { requestValidationPipe } from './request-validation.pipe';

const COLOURS = ['red', 'green', 'blue'] as const;

class PaintQuery {
  @EnumListFilter(COLOURS)
  colour?: string[];

  @TextFilter(5, 'who mixed it')
  by?: string;
}

const query: ArgumentMetadata = { type: 'query', metatype: PaintQuery };

async function read(value: Record<string, unknown>): Promise<unknown> {
  try {
    return await requestValidationPipe().transform(value, query);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    return (error as HttpException).getResponse();
  }
}

describe('query filters', () => {
  it('reads a list filter comma-separated or repeated, and leaves it out when absent', async () => {
    expect(await read({ colour: 'red, blue' })).toEqual({ colour: ['red', 'blue'] });
    expect(await read({ colour: ['red', 'green'] })).toEqual({ colour: ['red', 'green'] });
    expect(await read({})).toEqual({});
  });

  it('refuses a value not in the list, an empty list, and text empty or too long', async () => {
    expect(await read({ colour: 'red,mauve' })).toMatchObject({ errors: [{ path: 'colour' }] });
    expect(await read({ colour: [] })).toMatchObject({ errors: [{ path: 'colour' }] });
    expect(await read({ by: '' })).toMatchObject({ errors: [{ path: 'by' }] });
    expect(await read({ by: 'abcdef' })).toMatchObject({ errors: [{ path: 'by' }] });
    expect(await read({ by: 'abcde' })).toEqual({ by: 'abcde' });
  });

  it('documents both as optional query fields, the list with its values', () => {
    const meta = (name: string): unknown =>
      Reflect.getMetadata('swagger/apiModelProperties', PaintQuery.prototype, name);
    expect(meta('colour')).toMatchObject({
      required: false,
      isArray: true,
      items: { enum: COLOURS },
      description: 'one or more, comma-separated',
    });
    expect(meta('by')).toMatchObject({ required: false, description: 'who mixed it' });
  });
});
