import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsInstant } from '@tsuzuku/platform-runtime';

@ValidatorConstraint({ name: 'inTheFuture' })
class InTheFutureConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // A malformed date is IsInstant's problem to report.
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return true;
    return Date.parse(value) > Date.now();
  }

  defaultMessage(): string {
    return 'expiresAt must be in the future';
  }
}

@ValidatorConstraint({ name: 'atMostOneDecimal' })
class AtMostOneDecimalConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // A number that is no number is IsNumber's problem to report.
    return typeof value !== 'number' || Math.round(value * 10) / 10 === value;
  }

  defaultMessage(): string {
    return 'score must have at most one decimal';
  }
}

/** A manual score that replaces the computed one until it is cleared or expires. */
export class SetOverrideDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 35, description: 'at most one decimal' })
  // Not IsNumber's maxDecimalPlaces: it throws on numbers JavaScript prints as 5e-324.
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Validate(AtMostOneDecimalConstraint)
  @Min(0)
  @Max(100)
  score!: number;

  @ApiProperty({ example: 'Champion left; renewal at risk despite usage' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;

  @ApiPropertyOptional({
    description: 'ISO-8601, in the future; none: until cleared',
    example: '2026-12-31T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  @Validate(InTheFutureConstraint)
  expiresAt?: string;
}
