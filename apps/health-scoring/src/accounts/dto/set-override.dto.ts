import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsISO8601,
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

@ValidatorConstraint({ name: 'inTheFuture' })
class InTheFutureConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // A malformed date is IsISO8601's problem to report.
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return true;
    return Date.parse(value) > Date.now();
  }

  defaultMessage(): string {
    return 'expiresAt must be in the future';
  }
}

/** A manual score that replaces the computed one until it is cleared or expires. */
export class SetOverrideDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 35, description: 'at most one decimal' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 })
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
  @IsISO8601({ strict: true })
  @Validate(InTheFutureConstraint)
  expiresAt?: string;
}
