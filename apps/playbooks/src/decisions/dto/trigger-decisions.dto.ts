import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PLAYBOOK_TRIGGER_TYPES } from '@tsuzuku/contracts';
import { CursorQuery, ToInteger } from '@tsuzuku/platform-runtime';
import { TRIGGER_OUTCOMES, TriggerOutcome } from '../../playbooks/domain/trigger-gate';
import { DECISIONS_CURSOR, SeqCursor } from '../../shared/seq-cursor';

export class ListTriggerDecisionsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(500) accountId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) playbookId?: string;
  @ApiPropertyOptional({ enum: TRIGGER_OUTCOMES })
  @IsOptional()
  @IsIn(TRIGGER_OUTCOMES)
  outcome?: TriggerOutcome;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @CursorQuery(DECISIONS_CURSOR)
  cursor?: SeqCursor;
}

export class TriggerDecisionDto {
  @ApiProperty() accountId!: string;
  @ApiProperty() playbookId!: string;
  @ApiProperty() playbookName!: string;
  @ApiProperty({ enum: PLAYBOOK_TRIGGER_TYPES }) triggerType!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'what fired it, e.g. the alert id' })
  triggerRef!: string | null;
  @ApiProperty({ description: 'the occurrence: one run at most per playbook, account and key' })
  triggerKey!: string;
  @ApiProperty({
    enum: TRIGGER_OUTCOMES,
    description:
      'started (a run), holdout (a holdout run), or why none: audience_mismatch, already_running, already_triggered, ' +
      'backfill, too_old, waiting_for_profile (then a later decision), account_churned, playbook_disabled',
  })
  outcome!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'e.g. the audience filter that failed' })
  detail!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) runId!: string | null;
  @ApiProperty({ description: 'event time of what fired it' }) triggeredAt!: string;
  @ApiProperty() decidedAt!: string;
}

export class TriggerDecisionPageDto {
  @ApiProperty({ type: [TriggerDecisionDto] }) items!: TriggerDecisionDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'pass as cursor for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
