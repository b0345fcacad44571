import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsInstant, ToInteger } from '@tsuzuku/platform-runtime';

@ValidatorConstraint({ name: 'notAfterTo' })
class NotAfterToConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const to = (args.object as HealthHistoryQuery).to;
    if (typeof value !== 'string' || to === undefined) return true;
    const from = Date.parse(value);
    const until = Date.parse(to);
    return Number.isNaN(from) || Number.isNaN(until) || from <= until;
  }

  defaultMessage(): string {
    return 'from must not be after to';
  }
}

export class HealthHistoryQuery {
  @ApiPropertyOptional({
    description: 'ISO-8601; default 90 days before `to`',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  @Validate(NotAfterToConstraint)
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; default now' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    default: 500,
    description: 'at most this many points: the latest of the range',
  })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
