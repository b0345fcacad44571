import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PLAYBOOK_TRIGGER_TYPES } from '@tsuzuku/contracts';
import { CursorQuery, PageDto, PageQuery, TextFilter } from '@tsuzuku/platform-runtime';
import { TRIGGER_OUTCOMES, TriggerOutcome } from '../../playbooks/domain/trigger-gate';
import { DECISIONS_CURSOR, SeqCursor } from '../../shared/seq-cursor';

export class ListTriggerDecisionsQuery extends PageQuery {
  @TextFilter(500) accountId?: string;
  @TextFilter(100) playbookId?: string;
  @ApiPropertyOptional({ enum: TRIGGER_OUTCOMES })
  @IsOptional()
  @IsIn(TRIGGER_OUTCOMES)
  outcome?: TriggerOutcome;

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

export const TriggerDecisionPageDto = PageDto(TriggerDecisionDto, 'TriggerDecisionPageDto');
