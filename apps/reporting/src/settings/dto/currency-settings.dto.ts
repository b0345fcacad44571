import { ApiProperty } from '@nestjs/swagger';
import {
  IsDefined,
  IsObject,
  Matches,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

const CODE = /^[A-Za-z]{3}$/;

/**
 * Largest conversion rate accepted: a million units of the reporting currency per unit of
 * another is beyond any real pair, and keeps every converted amount (in millionths) within the
 * integers the MRR ledger can hold exactly.
 */
export const MAX_CURRENCY_RATE = 1_000_000;

function rateProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const problems: string[] = [];
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 500) problems.push('at most 500 rates');
  for (const [code, rate] of entries) {
    if (!CODE.test(code)) problems.push(`${code} is not a three-letter currency code`);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > MAX_CURRENCY_RATE)
      problems.push(`rates.${code} must be a positive number, at most ${MAX_CURRENCY_RATE}`);
  }
  return problems;
}

@ValidatorConstraint({ name: 'rates' })
class RatesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return rateProblems(value).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return rateProblems(args.value).join('; ');
  }
}

/** The whole reporting settings of a workspace: every field required. */
export class PutCurrencySettingsDto {
  @ApiProperty({
    example: 'USD',
    description: 'ISO 4217 code every amount is reported in (USD until set)',
  })
  @IsDefined({ message: 'currency is required' })
  @Matches(CODE, { message: 'currency must be a three-letter currency code' })
  currency!: string;

  @ApiProperty({
    example: { EUR: 1.08, GBP: 1.27 },
    description: `units of the reporting currency per unit of each other currency (> 0, at most ${MAX_CURRENCY_RATE}); {} for none`,
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: MAX_CURRENCY_RATE },
  })
  @IsDefined({ message: 'rates is required ({} for none)' })
  @IsObject()
  @Validate(RatesConstraint)
  rates!: Record<string, number>;
}

export class CurrencySettingsDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) rates!: Record<string, number>;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null: never set, defaults',
  })
  updatedAt!: string | null;
}

export class ChangedCurrencySettingsDto extends CurrencySettingsDto {
  @ApiProperty({ description: 'accounts whose MRR was derived again in the new currency' })
  rederived!: number;
}
