import { ApiProperty } from '@nestjs/swagger';
import { Page, PageDto } from '@tsuzuku/platform-runtime';
import { CATEGORIES, METRICS } from '../../scorecards/domain/scorecard';
import { HEALTH_BANDS, LIFECYCLE_PHASES, TOUCH_MODELS } from '@tsuzuku/contracts';

/** The active override of an account, as HealthOverride in the contracts plus its id and time. */
export class OverrideDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ minimum: 0, maximum: 100 })
  score!: number;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ description: 'name of the API token that set it' })
  author!: string;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ type: String, nullable: true })
  expiresAt!: string | null;
}

/** An account's health as AccountHealth in the contracts. */
export class HealthDto {
  @ApiProperty({ type: Number, nullable: true, description: 'in effect: the override, else computed' })
  score!: number | null;
  @ApiProperty({ enum: HEALTH_BANDS, nullable: true })
  band!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'what the scorecard computed' })
  computedScore!: number | null;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'share of the scorecard weight that had data' })
  coverage!: number;
  @ApiProperty({ type: String, nullable: true })
  scorecardId!: string | null;
  @ApiProperty({ type: OverrideDto, nullable: true })
  override!: OverrideDto | null;
  @ApiProperty({ type: String, nullable: true })
  scoredAt!: string | null;
}

export class HealthSummaryDto extends HealthDto {
  @ApiProperty({ type: Number, nullable: true, description: 'score now minus 7 days ago' })
  trend7d!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'score now minus 30 days ago' })
  trend30d!: number | null;
}

export class ChurnRiskContributionDto {
  @ApiProperty({ example: 'sign_ins_30d:change_30d', description: 'a metric, or `<metric>:change_30d`' })
  feature!: string;
  @ApiProperty({ example: 'sign-ins (30 days), change over 30 days' })
  label!: string;
  @ApiProperty({ type: Number, nullable: true, description: "the account's value; null when it had none" })
  value!: number | null;
  @ApiProperty({
    description:
      'its signed share of the log-odds (coefficient x standardised value): positive raises the probability',
  })
  contribution!: number;
}

/** The churn model's prediction for an account (see GET /v1/churn-model). */
export class ChurnRiskDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'probability of churning within horizonDays' })
  probability!: number;
  @ApiProperty()
  horizonDays!: number;
  @ApiProperty({ format: 'uuid' })
  modelId!: string;
  @ApiProperty({ format: 'date-time' })
  trainedAt!: string;
  @ApiProperty({ example: '2026-12-05', description: 'the model read only what was known by this day' })
  cutoff!: string;
  @ApiProperty({
    type: [ChurnRiskContributionDto],
    description: 'the 5 largest by absolute size, largest first',
  })
  contributions!: readonly ChurnRiskContributionDto[];
}

export class AccountSummaryDto {
  @ApiProperty()
  accountId!: string;
  @ApiProperty({ type: String, nullable: true })
  name!: string | null;
  @ApiProperty({ type: String, nullable: true })
  plan!: string | null;
  @ApiProperty({ type: Number, nullable: true })
  mrr!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  seats!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-31' })
  renewalDate!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "the CSM's email: set by PATCH /v1/accounts/{id}, a reassignment or a group call's csm_email",
  })
  owner!: string | null;
  @ApiProperty({ type: String, nullable: true })
  segment!: string | null;
  @ApiProperty({ type: String, nullable: true })
  industry!: string | null;
  @ApiProperty({ enum: LIFECYCLE_PHASES })
  phase!: string;
  @ApiProperty({ enum: TOUCH_MODELS })
  touchModel!: string;
  @ApiProperty({ type: HealthDto })
  health!: HealthDto;
  @ApiProperty({
    type: ChurnRiskDto,
    nullable: true,
    description:
      'null: the workspace has no churn model (too little history), or the account churned or has no values yet',
  })
  churnRisk!: ChurnRiskDto | null;
}

export const AccountPageDto = PageDto(AccountSummaryDto, 'AccountPageDto');
export type AccountPageDto = Page<AccountSummaryDto>;

export class AccountDto extends AccountSummaryDto {
  @ApiProperty()
  firstSeenAt!: string;
  @ApiProperty({ type: String, nullable: true })
  lastSeenAt!: string | null;
  @ApiProperty({ type: String, nullable: true })
  lastSignInAt!: string | null;
  @ApiProperty({ type: Number, nullable: true })
  latestNps!: number | null;
  @ApiProperty({ type: Object, description: 'the traits of the last group call' })
  traits!: Record<string, unknown>;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'when its last subscription in force ended: it keeps the health it had then, unrescored, until it subscribes again; null otherwise',
  })
  churnedAt!: string | null;
  @ApiProperty({ type: HealthSummaryDto })
  declare health: HealthSummaryDto;
}

export class MeasureDto {
  @ApiProperty()
  measureId!: string;
  @ApiProperty()
  label!: string;
  @ApiProperty({ enum: CATEGORIES })
  category!: string;
  @ApiProperty({ enum: METRICS })
  metric!: string;
  @ApiProperty({ type: Number, nullable: true })
  value!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '0-100; null when left out' })
  points!: number | null;
  @ApiProperty()
  weight!: number;
  @ApiProperty({ description: 'share of the score it carries, 0 when left out' })
  share!: number;
  @ApiProperty({ description: 'points it adds to the score: points x share' })
  contribution!: number;
  @ApiProperty({ description: 'left out of the score for lack of data' })
  leftOut!: boolean;
}

export class DecisiveMeasureDto {
  @ApiProperty()
  measureId!: string;
  @ApiProperty()
  label!: string;
  @ApiProperty({ enum: CATEGORIES })
  category!: string;
  @ApiProperty()
  points!: number;
  @ApiProperty()
  share!: number;
  @ApiProperty()
  contribution!: number;
  @ApiProperty({ description: 'points it kept the score from: share x (100 - points)' })
  deficit!: number;
}

export class DecisiveMeasuresDto {
  @ApiProperty({ type: [DecisiveMeasureDto], description: 'what cost the score most' })
  largestDeficits!: DecisiveMeasureDto[];
  @ApiProperty({ type: [DecisiveMeasureDto], description: 'what carried the score most' })
  largestContributions!: DecisiveMeasureDto[];
}

export class AccountEventDto {
  @ApiProperty()
  eventId!: string;
  @ApiProperty()
  occurredAt!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: Object })
  detail!: Record<string, unknown>;
}

export class HistoryPointDto {
  @ApiProperty()
  at!: string;
  @ApiProperty({ type: Number, nullable: true })
  score!: number | null;
  @ApiProperty({ enum: HEALTH_BANDS, nullable: true })
  band!: string | null;
  @ApiProperty({ type: Number, nullable: true })
  computedScore!: number | null;
  @ApiProperty()
  coverage!: number;
  @ApiProperty({ description: 'what moved it: an event name, "sweep", "override set", ...' })
  reason!: string;
}

/** Why an account scores what it scores. */
export class HealthExplanationDto extends HealthSummaryDto {
  @ApiProperty()
  accountId!: string;
  @ApiProperty({ type: ChurnRiskDto, nullable: true, description: "the churn model's prediction and why" })
  churnRisk!: ChurnRiskDto | null;
  @ApiProperty({ type: [MeasureDto] })
  measures!: MeasureDto[];
  @ApiProperty({ type: DecisiveMeasuresDto })
  decisive!: DecisiveMeasuresDto;
  @ApiProperty({ type: [AccountEventDto], description: 'the last 20 events that can move the score' })
  recentEvents!: AccountEventDto[];
  @ApiProperty({ type: [HistoryPointDto], description: 'the last 10 points of the history, latest first' })
  recentChanges!: HistoryPointDto[];
}

export class HealthHistoryDto {
  @ApiProperty()
  accountId!: string;
  @ApiProperty()
  from!: string;
  @ApiProperty()
  to!: string;
  @ApiProperty({ type: [HistoryPointDto], description: 'in time order' })
  points!: HistoryPointDto[];
  @ApiProperty({ description: 'the range held more points than limit: these are the latest' })
  truncated!: boolean;
  @ApiProperty({ type: Number, nullable: true })
  trend7d!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  trend30d!: number | null;
}

/** The health of an account as it stood at the end of a past day (GET …/health?asOf=). */
export class HealthAsOfDto {
  @ApiProperty()
  accountId!: string;
  @ApiProperty({
    example: '2026-03-31',
    description: 'the day asked for (UTC): its end is the moment answered',
  })
  asOf!: string;
  @ApiProperty({
    description: 'when the history point in effect then was written (the latest at or before it)',
  })
  at!: string;
  @ApiProperty({ type: Number, nullable: true })
  score!: number | null;
  @ApiProperty({ enum: HEALTH_BANDS, nullable: true })
  band!: string | null;
  @ApiProperty({ type: Number, nullable: true })
  computedScore!: number | null;
  @ApiProperty({ description: "share of the scorecard's weight whose measures had data, 0-1" })
  coverage!: number;
  @ApiProperty({
    description: 'what wrote the point: an event name, "daily point (sweep)", "churned (…)", …',
  })
  reason!: string;
  @ApiProperty({
    enum: ['active', 'churned', 'none'],
    description: 'a subscription in force then; churned: it had one and none was; none: none known yet',
  })
  status!: 'active' | 'churned' | 'none';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    nullable: true,
    description:
      'the metric values (metric → value, null without data) of the latest point at or before then that kept them; null when none did (points written before values were kept)',
  })
  values!: Record<string, number | null> | null;
  @ApiProperty({ type: String, nullable: true, description: 'when the point holding `values` was written' })
  valuesAt!: string | null;
}
