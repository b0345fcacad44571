import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import {
  ALERT_RULE_TYPES,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  AlertRuleType,
  AlertSeverity,
  AlertStatus,
} from '@tsuzuku/contracts';
import {
  CursorQuery,
  EnumListFilter,
  IsInstant,
  Page,
  PageDto,
  PageQuery,
  TextFilter,
} from '@tsuzuku/platform-runtime';
import { ALERTS_CURSOR, PageCursor } from '../../shared/page-cursor';

export class ListAlertsQuery extends PageQuery {
  @EnumListFilter(ALERT_STATUSES)
  status?: AlertStatus[];

  @TextFilter(200, 'one account')
  accountId?: string;

  @ApiPropertyOptional({ description: 'one rule (its id)' })
  @IsOptional()
  @IsUUID()
  ruleId?: string;

  @EnumListFilter(ALERT_RULE_TYPES)
  ruleType?: AlertRuleType[];

  @TextFilter(320, "the owner's email (case-insensitive)")
  owner?: string;

  @EnumListFilter(ALERT_SEVERITIES)
  severity?: AlertSeverity[];

  @CursorQuery(ALERTS_CURSOR, 'nextCursor of the previous page (same filters)')
  cursor?: PageCursor;
}

@ValidatorConstraint({ name: 'inTheFuture' })
class InTheFutureConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // A malformed date is IsInstant's problem to report.
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return true;
    return Date.parse(value) > Date.now();
  }

  defaultMessage(): string {
    return 'until must be in the future';
  }
}

const trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class SnoozeAlertDto {
  @ApiProperty({ example: '2026-12-01T09:00:00Z', description: 'ISO-8601, in the future' })
  @IsInstant()
  @Validate(InTheFutureConstraint)
  until!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @trimmed()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ResolveAlertDto {
  @ApiProperty({ example: 'Called the champion; usage back next week', maxLength: 2000 })
  @trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  note!: string;
}

export class AcknowledgeAlertDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @trimmed()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

class AlertResolutionDto {
  @ApiProperty({ enum: ['auto', 'manual'] })
  kind!: string;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ type: String, nullable: true })
  by!: string | null;
  @ApiProperty({ type: String, nullable: true })
  note!: string | null;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  workspaceId!: string;
  @ApiProperty()
  accountId!: string;
  @ApiProperty({ format: 'uuid' })
  ruleId!: string;
  @ApiProperty({ enum: ALERT_RULE_TYPES })
  ruleType!: string;
  @ApiProperty()
  ruleName!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES })
  severity!: string;
  @ApiProperty({ description: 'true for expansion signals' })
  positive!: boolean;
  @ApiProperty({ enum: ALERT_STATUSES })
  status!: string;
  @ApiProperty({ type: String, nullable: true, description: "the account's CSM, else the workspace default" })
  owner!: string | null;
  @ApiProperty()
  title!: string;
  @ApiProperty({ type: Object, description: 'the figures that met the condition' })
  evidence!: Record<string, unknown>;
  @ApiProperty()
  occurrences!: number;
  @ApiProperty({ format: 'date-time' })
  openedAt!: string;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  acknowledgedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  snoozedUntil!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: string | null;
  @ApiProperty({ type: AlertResolutionDto, nullable: true })
  resolution!: AlertResolutionDto | null;
}

export class AlertHistoryEntryDto {
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({
    enum: ['raised', 'repeated', 'acknowledged', 'snoozed', 'reopened', 'reassigned', 'resolved'],
  })
  change!: string;
  @ApiProperty({ type: String, nullable: true })
  fromStatus!: string | null;
  @ApiProperty()
  toStatus!: string;
  @ApiProperty({ type: String, nullable: true, description: 'who made a manual change (API token name)' })
  actor!: string | null;
  @ApiProperty({ type: String, nullable: true })
  note!: string | null;
  @ApiProperty({ type: Object })
  detail!: Record<string, unknown>;
}

export class AlertWithHistoryDto extends AlertDto {
  @ApiProperty({ type: [AlertHistoryEntryDto], description: 'every state change, oldest first' })
  history!: AlertHistoryEntryDto[];
}

export const AlertPageDto = PageDto(AlertDto, 'AlertPageDto', 'newest first');
export type AlertPageDto = Page<AlertDto>;
