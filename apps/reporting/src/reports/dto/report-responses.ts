import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiWarningDto } from '@tsuzuku/platform-runtime';
import { MOVEMENT_TYPES } from '../../kpis/domain/mrr-movements';

const amount = (description: string) => ({
  type: Number,
  description: `${description}, in the reporting currency`,
});
const rate = (description: string) => ({
  type: Number,
  nullable: true,
  description: `${description}; a fraction, null when its denominator is 0`,
});

export class ConversionErrorDto {
  @ApiProperty() eventId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ description: 'the currency that has no rate' }) currency!: string;
  @ApiProperty({ type: Number, nullable: true }) amount!: number | null;
  @ApiProperty() message!: string;
}

export class KpiRowDto {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty(amount('MRR at the start of the month of the accounts that had some (S)')) startMrr!: number;
  @ApiProperty(amount('all MRR at the end of the month')) endMrr!: number;
  @ApiProperty(amount('endMrr × 12')) arr!: number;
  @ApiProperty(amount('new business')) newMrr!: number;
  @ApiProperty(amount('expansion')) expansionMrr!: number;
  @ApiProperty(amount('contraction')) contractionMrr!: number;
  @ApiProperty(amount('churn')) churnedMrr!: number;
  @ApiProperty(amount('reactivation')) reactivationMrr!: number;
  @ApiProperty(rate('accounts of S with no MRR at the end / |S|')) logoChurnRate!: number | null;
  @ApiProperty(rate('(churn + contraction) / startMrr')) grossMrrChurnRate!: number | null;
  @ApiProperty(rate('(churn + contraction - expansion - reactivation) / startMrr')) netMrrChurnRate!:
    number | null;
  @ApiProperty(rate('Σ over S of min(end, start) / startMrr')) grr!: number | null;
  @ApiProperty(rate('Σ over S of end / startMrr')) nrr!: number | null;
  @ApiProperty(rate('GRR with S at the start of M-11 and end at the end of M')) grr12!: number | null;
  @ApiProperty(rate('NRR with S at the start of M-11 and end at the end of M')) nrr12!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'endMrr / accounts paying at the end' }) arpa!:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'arpa / logoChurnRate; null when the rate is 0' })
  ltv!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '-100 to 100; null without responses' }) nps!:
    number | null;
  @ApiProperty(rate('share of CSAT responses scoring 4 or 5')) csat!: number | null;
  @ApiProperty() activeAccounts!: number;
  @ApiProperty() mau!: number;
  @ApiProperty({ description: 'mean over the days of the month of distinct users per day' }) dauAvg!: number;
  @ApiProperty(rate('dauAvg / mau')) stickiness!: number | null;
  @ApiProperty(
    rate('accounts whose first subscription started in the month that completed onboarding within 30 days'),
  )
  onboardingCompletionRate!: number | null;
  @ApiProperty(rate('accounts of S with an expansion movement in the month / |S|')) upsellRate!:
    number | null;
}

export class SliceDto {
  @ApiPropertyOptional() segment?: string;
  @ApiPropertyOptional() touchModel?: string;
  @ApiPropertyOptional() phase?: string;
  @ApiPropertyOptional() owner?: string;
}

export class KpiReportDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: SliceDto }) filter!: SliceDto;
  @ApiProperty({ type: [KpiRowDto] }) months!: KpiRowDto[];
  @ApiProperty({
    type: [ConversionErrorDto],
    description: 'subscription events left out: no conversion rate',
  })
  errors!: ConversionErrorDto[];
  @ApiProperty({
    type: [ApiWarningDto],
    description: 'e.g. matches_no_account: a filter value (segment, owner, plan) no account has',
  })
  warnings!: ApiWarningDto[];
}

export class MovementTotalsDto {
  @ApiProperty() month!: string;
  @ApiProperty() startMrr!: number;
  @ApiProperty() newMrr!: number;
  @ApiProperty() expansionMrr!: number;
  @ApiProperty() contractionMrr!: number;
  @ApiProperty() churnedMrr!: number;
  @ApiProperty() reactivationMrr!: number;
  @ApiProperty({ description: 'new + expansion + reactivation - contraction - churn = endMrr - startMrr' })
  netNewMrr!: number;
  @ApiProperty() endMrr!: number;
}

export class MovementDto {
  @ApiProperty() accountId!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ enum: MOVEMENT_TYPES }) type!: string;
  @ApiProperty({ description: 'positive amount of the movement' }) amount!: number;
  @ApiProperty() fromMrr!: number;
  @ApiProperty() toMrr!: number;
  @ApiProperty({ description: 'the event that made the change' }) eventId!: string;
}

export class MovementsReportDto {
  @ApiProperty() currency!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [MovementTotalsDto] }) months!: MovementTotalsDto[];
  @ApiProperty({
    type: [MovementDto],
    description: 'each movement, a page at a time in time order, with accountId or detail=true; else empty',
  })
  items!: MovementDto[];
  @ApiProperty({ type: String, nullable: true, description: 'the next page of items; null on the last' })
  nextCursor!: string | null;
  @ApiProperty({ type: [ConversionErrorDto] }) errors!: ConversionErrorDto[];
  @ApiProperty({
    type: [ApiWarningDto],
    description: 'e.g. matches_no_account for a filter value no account has',
  })
  warnings!: ApiWarningDto[];
}

export class CohortCellDto {
  @ApiProperty({ description: 'months since the start month (0 = the start month)' }) age!: number;
  @ApiProperty() month!: string;
  @ApiProperty({ description: 'accounts of the cohort with MRR at the end of the month' }) accounts!: number;
  @ApiProperty() mrr!: number;
  @ApiProperty({ type: Number, nullable: true }) logoRetention!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'MRR at the end of the month / MRR at the end of the start month',
  })
  revenueRetention!: number | null;
}

export class CohortDto {
  @ApiProperty({ description: "month of the accounts' first MRR (new business)" }) cohort!: string;
  @ApiProperty() accounts!: number;
  @ApiProperty({ description: 'their MRR at the end of the start month' }) startMrr!: number;
  @ApiProperty({ type: [CohortCellDto] }) months!: CohortCellDto[];
}

export class CohortsReportDto {
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [CohortDto] }) cohorts!: CohortDto[];
}

export class HealthPointDto {
  @ApiProperty({ description: "the day (or the week's first day); counted at its end" }) date!: string;
  @ApiProperty() red!: number;
  @ApiProperty() yellow!: number;
  @ApiProperty() green!: number;
  @ApiProperty({ description: 'accounts scored without a band' }) none!: number;
}

export class HealthDistributionDto {
  @ApiProperty({ enum: ['day', 'week'] }) interval!: string;
  @ApiProperty({ type: [HealthPointDto] }) points!: HealthPointDto[];
}

export class AlertRuleStatsDto {
  @ApiProperty() ruleType!: string;
  @ApiProperty({ description: 'alerts opened in the range' }) raised!: number;
  @ApiProperty({ description: 'alerts resolved in the range' }) resolved!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'median of resolvedAt - openedAt over those resolved, in hours',
  })
  medianHoursToResolve!: number | null;
}

export class AlertsReportDto {
  @ApiProperty({ type: [AlertRuleStatsDto] }) ruleTypes!: AlertRuleStatsDto[];
}

export class PlaybookOutcomeDto {
  @ApiProperty({ description: 'runs whose account had MRR at the start and whose 90 days have passed' })
  accounts!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'share of them with no MRR 90 days later' })
  logoChurnRate!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'their MRR 90 days later / their MRR at the start',
  })
  nrr!: number | null;
}

export class PlaybookStatsDto {
  @ApiProperty() playbookId!: string;
  @ApiProperty() playbookName!: string;
  @ApiProperty({ description: 'treated runs started in the range' }) runs!: number;
  @ApiProperty() holdoutRuns!: number;
  @ApiProperty() completed!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'completed / treated runs' }) completionRate!:
    number | null;
  @ApiProperty({ type: PlaybookOutcomeDto }) treated!: PlaybookOutcomeDto;
  @ApiProperty({ type: PlaybookOutcomeDto }) holdout!: PlaybookOutcomeDto;
}

export class PlaybooksReportDto {
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [PlaybookStatsDto] }) playbooks!: PlaybookStatsDto[];
}
