import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsCalendarDate } from '@tsuzuku/platform-runtime';
import { BandsDto, MeasureDto } from '../../scorecards/dto/scorecard.dto';
import { OUTCOMES, Outcome } from '../domain/outcomes';

/** The longest period of outcomes a backtest or a fit reads: about three years. */
export const MAX_PERIOD_DAYS = 1100;

@ValidatorConstraint({ name: 'period' })
class PeriodConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const from = (args.object as OutcomePeriodDto).from;
    if (typeof value !== 'string' || typeof from !== 'string') return true;
    const days = (Date.parse(value) - Date.parse(from)) / 86_400_000;
    return Number.isNaN(days) || (days >= 0 && days <= MAX_PERIOD_DAYS);
  }

  defaultMessage(): string {
    return `to must not be before from, and at most ${MAX_PERIOD_DAYS} days after it`;
  }
}

/** Which outcome, in which period, and how far ahead of it the measure values are read. */
export class OutcomePeriodDto {
  @ApiProperty({ example: '2025-01-01', description: 'first day of the outcomes (UTC), YYYY-MM-DD' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2025-12-31', description: 'last day of the outcomes (UTC), YYYY-MM-DD, included' })
  @IsCalendarDate()
  @Validate(PeriodConstraint)
  to!: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 730,
    default: 90,
    description: 'the values are read this many days before each outcome',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(730)
  horizonDays?: number;

  @ApiProperty({
    enum: OUTCOMES,
    description:
      'churn: the last subscription in force ended; contraction: MRR went down (to above 0); renewal: Subscription Renewed, or the renewal date passed while subscribed',
  })
  @IsIn(OUTCOMES)
  outcome!: Outcome;
}

export class BacktestRequestDto extends OutcomePeriodDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'another scorecard of the workspace, backtested on the same sample, side by side',
  })
  @IsOptional()
  @IsUUID()
  compareWith?: string;
}

export class OutcomeRateDto {
  @ApiProperty({ description: 'the band' })
  group!: string;
  @ApiProperty()
  count!: number;
  @ApiProperty({ description: 'how many of them had the outcome' })
  outcomes!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'outcomes / count; null for none' })
  rate!: number | null;
}

export class PrecisionRecallDto {
  @ApiProperty()
  truePositives!: number;
  @ApiProperty()
  falsePositives!: number;
  @ApiProperty()
  falseNegatives!: number;
  @ApiProperty()
  trueNegatives!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'TP / (TP + FP); null when no account was red' })
  precision!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'TP / (TP + FN); null when nothing was to be caught',
  })
  recall!: number | null;
}

export class CalibrationRowDto {
  @ApiProperty({ description: '1 = the tenth with the lowest scores' })
  decile!: number;
  @ApiProperty()
  count!: number;
  @ApiProperty()
  minScore!: number;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty()
  meanScore!: number;
  @ApiProperty({ description: 'share of the decile that had the outcome' })
  outcomeRate!: number;
}

export class BacktestCountsDto {
  @ApiProperty({ description: 'accounts scored (a score from their values on their day)' })
  scored!: number;
  @ApiProperty({ description: 'of them, with the outcome' })
  scoredWithOutcome!: number;
  @ApiProperty({
    description: 'accounts in the sample with no values on their day (or none for these measures)',
  })
  unscored!: number;
}

/** How one scorecard did on the sample. */
export class ScorecardBacktestDto {
  @ApiProperty({ format: 'uuid' })
  scorecardId!: string;
  @ApiProperty()
  scorecardName!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'ROC AUC: the chance that an account with the outcome was ranked riskier than one without (lower score; for renewal, higher); 0.5 = chance; null without both',
  })
  auc!: number | null;
  @ApiProperty({ type: [OutcomeRateDto], description: 'red, yellow, green' })
  byBand!: OutcomeRateDto[];
  @ApiProperty({
    type: PrecisionRecallDto,
    description: 'red as the warning: of churn or contraction; for renewal, of no renewal',
  })
  red!: PrecisionRecallDto;
  @ApiProperty({ type: [CalibrationRowDto], description: 'by score decile, lowest scores first' })
  calibration!: CalibrationRowDto[];
  @ApiProperty({ type: BacktestCountsDto })
  counts!: BacktestCountsDto;
}

export class SampleCountsDto {
  @ApiProperty({ description: "the workspace's accounts" })
  accounts!: number;
  @ApiProperty({ description: 'accounts with the outcome in the period' })
  withOutcome!: number;
  @ApiProperty({ description: 'accounts without it' })
  withoutOutcome!: number;
  @ApiProperty({
    description: 'left out: churned (no subscription in force) on the day they would be scored',
  })
  notCustomers!: number;
  @ApiProperty({ description: 'accounts in the sample' })
  sampled!: number;
  @ApiProperty({ description: 'distinct days the sample is scored on' })
  days!: number;
}

export class BacktestDto {
  @ApiProperty({ enum: OUTCOMES })
  outcome!: Outcome;
  @ApiProperty()
  from!: string;
  @ApiProperty()
  to!: string;
  @ApiProperty()
  horizonDays!: number;
  @ApiProperty({ type: SampleCountsDto })
  sample!: SampleCountsDto;
  @ApiProperty({ type: ScorecardBacktestDto })
  result!: ScorecardBacktestDto;
  @ApiPropertyOptional({
    type: ScorecardBacktestDto,
    description: 'the compareWith scorecard on the same sample',
  })
  comparison?: ScorecardBacktestDto;
}

export class SuggestedWeightDto {
  @ApiProperty()
  measureId!: string;
  @ApiProperty({ description: 'whole points; the weights kept sum to 100' })
  weight!: number;
  @ApiProperty({
    description:
      "the model's coefficient of the measure's metric per standard deviation (log-odds of the outcome)",
  })
  coefficient!: number;
}

export class CrossValidationDto {
  @ApiProperty()
  folds!: number;
  @ApiProperty({ type: [Number], description: 'per fold; null where the fold lacks a class', nullable: true })
  foldAucs!: (number | null)[];
  @ApiProperty({ type: Number, nullable: true })
  meanAuc!: number | null;
}

/** A scorecard body with the suggested weights: what POST /v1/scorecards takes. */
export class DraftScorecardDto {
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: [MeasureDto] })
  measures!: MeasureDto[];
  @ApiProperty({ type: BandsDto })
  bands!: BandsDto;
  @ApiProperty({ enum: [true], description: 'POST /v1/scorecards saves this body as a draft as it is' })
  draft!: true;
}

export class SuggestedWeightsDto {
  @ApiProperty({ format: 'uuid' })
  scorecardId!: string;
  @ApiProperty({ enum: OUTCOMES })
  outcome!: Outcome;
  @ApiProperty()
  from!: string;
  @ApiProperty()
  to!: string;
  @ApiProperty()
  horizonDays!: number;
  @ApiProperty({ type: SampleCountsDto })
  sample!: SampleCountsDto;
  @ApiProperty({ description: 'examples the model was fitted on (sampled accounts with values)' })
  examples!: number;
  @ApiProperty({ description: 'of them, with the outcome' })
  positives!: number;
  @ApiProperty({ description: 'the L2 penalty on the standardised coefficients' })
  l2!: number;
  @ApiProperty({ type: CrossValidationDto })
  crossValidation!: CrossValidationDto;
  @ApiProperty({ type: [SuggestedWeightDto] })
  weights!: SuggestedWeightDto[];
  @ApiProperty({
    type: [String],
    description: 'measures the model found no protective effect for: left out of the draft',
  })
  notPredictive!: string[];
  @ApiProperty({
    type: DraftScorecardDto,
    nullable: true,
    description:
      'the scorecard with these weights, to save as a draft (POST /v1/scorecards), backtest (compareWith) and publish; null when no measure is predictive',
  })
  draft!: DraftScorecardDto | null;
}
