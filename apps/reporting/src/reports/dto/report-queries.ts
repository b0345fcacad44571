import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { LIFECYCLE_PHASES, TOUCH_MODELS } from '@tsuzuku/contracts';
import {
  CursorQuery,
  IsCalendarDate,
  IsCalendarMonth,
  ToBoolean,
  ToInteger,
  isCalendarDate,
} from '@tsuzuku/platform-runtime';
import { formatMonth, monthOf, parseMonth } from '../../kpis/domain/month';
import { MOVEMENTS_CURSOR, MovementsCursor } from '../movements-cursor';

/** Most months one report covers. */
export const MAX_MONTHS = 120;
/** Most days a date-range report covers. */
export const MAX_DAYS = 731;

/** What is wrong with a month range whose ends are both months, if anything. */
export function monthRangeProblem(fromText: unknown, toText: unknown, now = Date.now()): string | undefined {
  const from = typeof fromText === 'string' ? parseMonth(fromText) : undefined;
  const to = typeof toText === 'string' ? parseMonth(toText) : undefined;
  // A field that is not a month has its own problem.
  if (from === undefined || to === undefined) return undefined;
  const current = monthOf(now);
  if (to < from) return 'to must not be before from';
  if (to - from + 1 > MAX_MONTHS) return `at most ${MAX_MONTHS} months`;
  if (to > current) return `to must not be after the current month (${formatMonth(current)})`;
  return undefined;
}

function dateRangeProblem(from: unknown, to: unknown): string | undefined {
  if (!isCalendarDate(from) || !isCalendarDate(to)) return undefined;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days < 1) return 'to must not be before from';
  if (days > MAX_DAYS) return `at most ${MAX_DAYS} days`;
  return undefined;
}

/** The class-validator constraint `name` on a range's `to`, checked against the same query's `from`. */
function rangeConstraint(
  name: string,
  problemOf: (from: unknown, to: unknown) => string | undefined,
): new () => ValidatorConstraintInterface {
  @ValidatorConstraint({ name })
  class RangeConstraint implements ValidatorConstraintInterface {
    validate(value: unknown, args: ValidationArguments): boolean {
      return problemOf((args.object as { from?: unknown }).from, value) === undefined;
    }

    defaultMessage(args: ValidationArguments): string {
      return problemOf((args.object as { from?: unknown }).from, args.value) ?? 'invalid range';
    }
  }
  return RangeConstraint;
}

const MonthRangeConstraint = rangeConstraint('monthRange', monthRangeProblem);
const DateRangeConstraint = rangeConstraint('dateRange', dateRangeProblem);

/** from and to, months in UTC, both included. */
export class MonthRangeQuery {
  @ApiProperty({ example: '2026-01', description: 'first month, YYYY-MM (UTC)' })
  @IsCalendarMonth()
  from!: string;

  @ApiProperty({
    example: '2026-06',
    description: 'last month, YYYY-MM, included; not after the current month',
  })
  @IsCalendarMonth()
  @Validate(MonthRangeConstraint)
  to!: string;
}

/**
 * The slice: each given attribute must match the account's at the end of the month, by event time
 * (an empty value matches accounts without it).
 */
export class SlicedMonthRangeQuery extends MonthRangeQuery {
  @ApiPropertyOptional({ description: "the account's segment (group trait segment)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  segment?: string;

  @ApiPropertyOptional({ enum: TOUCH_MODELS })
  @IsOptional()
  @IsIn(TOUCH_MODELS)
  touchModel?: string;

  @ApiPropertyOptional({ enum: LIFECYCLE_PHASES })
  @IsOptional()
  @IsIn(LIFECYCLE_PHASES)
  phase?: string;

  @ApiPropertyOptional({ description: "the account's CSM (csm_email)" })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  owner?: string;

  @ApiPropertyOptional({ description: "the account's plan (group trait plan)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  plan?: string;
}

export class KpiQuery extends SlicedMonthRangeQuery {}

export class MovementsQuery extends SlicedMonthRangeQuery {
  @ApiPropertyOptional({ description: "one account's totals and movements (the slice is then ignored)" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  accountId?: string;

  @ApiPropertyOptional({ description: 'list each movement, not only the monthly totals', default: false })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  detail?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1000, description: 'movements per page' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;

  @CursorQuery(MOVEMENTS_CURSOR)
  cursor?: MovementsCursor;
}

export class CohortsQuery extends MonthRangeQuery {}

/** from and to, UTC dates, both included. */
export class DateRangeQuery {
  @ApiProperty({ example: '2026-01-01', description: 'first day, YYYY-MM-DD (UTC)' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: `last day, included; at most ${MAX_DAYS} days in all` })
  @IsCalendarDate()
  @Validate(DateRangeConstraint)
  to!: string;
}

export class HealthDistributionQuery extends DateRangeQuery {
  @ApiPropertyOptional({
    enum: ['day', 'week'],
    default: 'day',
    description: 'one point per day, or per week from `from`',
  })
  @IsOptional()
  @IsIn(['day', 'week'])
  interval?: 'day' | 'week';
}
