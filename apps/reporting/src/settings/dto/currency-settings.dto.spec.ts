import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationProblems } from '@tsuzuku/platform-config';
import { PutCurrencySettingsDto } from './currency-settings.dto';

const problems = async (plain: object) =>
  validationProblems(
    await validate(plainToInstance(PutCurrencySettingsDto, plain), {
      whitelist: true,
      forbidNonWhitelisted: true,
    }),
  ).map((p) => `${p.path}: ${p.message}`);

describe('PutCurrencySettingsDto', () => {
  it.each<[string, object, string[]]>([
    ['a currency and rates', { currency: 'eur', rates: { USD: 0.92, gbp: 1.17 } }, []],
    ['no rates: {}', { currency: 'USD', rates: {} }, []],
    [
      'nothing: each field is required, never a default',
      {},
      [
        'currency: is required',
        'currency: must be a three-letter currency code',
        'rates: is required ({} for none)',
        'rates: must be an object',
      ],
    ],
    [
      'a currency that is not a code',
      { currency: 'euro', rates: {} },
      ['currency: must be a three-letter currency code'],
    ],
    [
      'rates that are not positive numbers, a code that is not one',
      { currency: 'USD', rates: { EUR: 0, GBP: '1.2', pound: 1 } },
      [
        'rates: rates.EUR must be a positive number, at most 1000000; rates.GBP must be a positive number, at most 1000000; pound is not a three-letter currency code',
      ],
    ],
    ['rates that are a list', { currency: 'USD', rates: [1, 2] }, ['rates: must be an object']],
    [
      'a null currency',
      { currency: null, rates: {} },
      ['currency: is required', 'currency: must be a three-letter currency code'],
    ],
    [
      'a rate that would overflow every converted amount',
      { currency: 'USD', rates: { EUR: 1e308, GBP: 1_000_000 } },
      ['rates: rates.EUR must be a positive number, at most 1000000'],
    ],
  ])('%s', async (_name, plain, expected) => {
    expect(await problems(plain)).toEqual(expected);
  });
});
