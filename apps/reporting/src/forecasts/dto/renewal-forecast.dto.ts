import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsCalendarDate, ToInteger } from '@tsuzuku/platform-runtime';
import { MAX_FORECAST_DAYS } from '../domain/renewal-forecast';

const amount = (description: string) => ({
  type: Number,
  description: `${description}, in the reporting currency`,
});

/** The renewals of the next `days` days (today, UTC, included). */
export class RenewalForecastQuery {
  @ApiProperty({
    minimum: 1,
    maximum: MAX_FORECAST_DAYS,
    example: 90,
    description: 'days ahead, today included',
  })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_FORECAST_DAYS)
  days!: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 100, description: 'at-risk renewals listed' })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

/** A first day of a past period: a calendar date not after today (UTC). */
@ValidatorConstraint({ name: 'notAfterToday' })
class NotAfterToday implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // A value that is not a calendar date has its own problem.
    return typeof value !== 'string' || value <= new Date().toISOString().slice(0, 10);
  }

  defaultMessage(): string {
    return `must not be after today (${new Date().toISOString().slice(0, 10)}, UTC)`;
  }
}

/** A past period: the forecast recorded on `from` against what happened by `from` + `days`. */
export class RenewalOutcomeQuery {
  @ApiProperty({
    example: '2026-07-01',
    description: 'the first day of the period, YYYY-MM-DD (UTC): the day its forecast was recorded',
  })
  @IsCalendarDate()
  @Validate(NotAfterToday)
  from!: string;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_FORECAST_DAYS,
    example: 90,
    description: 'the length of the period; it must have ended (from + days not after today)',
  })
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_FORECAST_DAYS)
  days!: number;
}

export class ChurnContributionDto {
  @ApiProperty() feature!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
  @ApiProperty({ description: 'its signed share of the log-odds; positive raises the churn probability' })
  contribution!: number;
}

export class AtRiskRenewalDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ format: 'date' }) renewalDate!: string;
  @ApiProperty(amount("the account's MRR")) mrr!: number;
  @ApiProperty({ description: 'the churn model’s probability within its horizon' }) churnProbability!: number;
  @ApiProperty({ description: '1 − churnProbability' }) renewProbability!: number;
  @ApiProperty(amount('renewProbability × mrr')) expectedMrr!: number;
  @ApiProperty() horizonDays!: number;
  @ApiProperty() modelId!: string;
  @ApiProperty({ description: 'the renewal falls after the horizon of the prediction' })
  beyondHorizon!: boolean;
  @ApiProperty({ type: [ChurnContributionDto], description: 'the three that raise the risk most' })
  topContributions!: ChurnContributionDto[];
}

export class UnpredictedRenewalDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ format: 'date' }) renewalDate!: string;
  @ApiProperty(amount("the account's MRR")) mrr!: number;
}

export class RenewalForecastDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ format: 'date', description: 'the first day of the period (today, UTC)' }) from!: string;
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date', description: 'the first day after the period' }) until!: string;
  @ApiProperty({ description: 'renewals of accounts with MRR in the period' }) renewals!: number;
  @ApiProperty(amount('their MRR')) renewingMrr!: number;
  @ApiProperty() predictedRenewals!: number;
  @ApiProperty(amount('the MRR of the renewals with a prediction')) predictedMrr!: number;
  @ApiProperty(amount('Σ (1 − p) × MRR over the predicted renewals')) expectedRenewingMrr!: number;
  @ApiProperty(amount('Σ p × MRR over the predicted renewals')) expectedChurningMrr!: number;
  @ApiProperty({ description: 'predicted renewals after the horizon of their prediction' })
  beyondHorizonRenewals!: number;
  @ApiProperty({ description: 'renewals without a prediction: counted apart, never guessed' })
  unpredictedRenewals!: number;
  @ApiProperty(amount('their MRR')) unpredictedMrr!: number;
  @ApiProperty({ type: [AtRiskRenewalDto], description: 'most at risk first, at most `limit`' })
  atRisk!: AtRiskRenewalDto[];
  @ApiProperty({ type: [UnpredictedRenewalDto], description: 'biggest MRR first, at most `limit`' })
  unpredicted!: UnpredictedRenewalDto[];
}

export class OutcomeTotalsDto {
  @ApiProperty() renewals!: number;
  @ApiProperty(amount('their MRR when the forecast was made')) mrr!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'the forecast; null for the unpredicted' })
  expectedRenewingMrr!: number | null;
  @ApiProperty() renewed!: number;
  @ApiProperty(amount('forecast-time MRR of those that renewed')) renewedMrr!: number;
  @ApiProperty() churned!: number;
  @ApiProperty(amount('forecast-time MRR of those that churned')) churnedMrr!: number;
  @ApiProperty(amount('what the renewed accounts paid at the end of the period')) renewedEndMrr!: number;
}

export class RenewalOutcomeRowDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ format: 'date' }) renewalDate!: string;
  @ApiProperty(amount('MRR when the forecast was made')) mrr!: number;
  @ApiProperty({ type: Number, nullable: true }) churnProbability!: number | null;
  @ApiProperty({ type: Number, nullable: true }) expectedMrr!: number | null;
  @ApiProperty({ enum: ['renewed', 'churned'] }) outcome!: string;
  @ApiProperty(amount('MRR at the end of the period')) endMrr!: number;
}

export class RenewalOutcomeDto {
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date' }) until!: string;
  @ApiProperty({ format: 'date-time' }) forecastMadeAt!: string;
  @ApiProperty({ type: OutcomeTotalsDto }) predicted!: OutcomeTotalsDto;
  @ApiProperty({ type: OutcomeTotalsDto }) unpredicted!: OutcomeTotalsDto;
  @ApiProperty(amount('predicted.renewedMrr − predicted.expectedRenewingMrr')) error!: number;
  @ApiProperty({ type: [RenewalOutcomeRowDto] }) accounts!: RenewalOutcomeRowDto[];
}
