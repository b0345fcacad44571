import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PLAYBOOK_RUN_STATUSES, PLAYBOOK_STEP_TYPES, PlaybookRunStatus } from '@tsuzuku/contracts';
import { CursorQuery, PageDto, PageQuery, TextFilter } from '@tsuzuku/platform-runtime';
import { RUNS_CURSOR, SeqCursor } from '../../shared/seq-cursor';

export class ListRunsQuery extends PageQuery {
  @TextFilter(500) accountId?: string;
  @TextFilter(100) playbookId?: string;
  @ApiPropertyOptional({ enum: PLAYBOOK_RUN_STATUSES })
  @IsOptional()
  @IsIn(PLAYBOOK_RUN_STATUSES)
  status?: PlaybookRunStatus;

  @CursorQuery(RUNS_CURSOR)
  cursor?: SeqCursor;
}

export class CancelRunDto {
  @ApiPropertyOptional({ description: 'why, kept as the run reason' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason?: string;
}

export class StepStateDto {
  @ApiProperty() stepId!: string;
  @ApiProperty({ enum: PLAYBOOK_STEP_TYPES }) type!: string;
  @ApiProperty({ enum: ['succeeded', 'failed', 'skipped', 'timed_out', 'current', 'pending', 'not_reached'] })
  state!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) detail!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) executedAt!: string | null;
}

export class RunTriggerDto {
  @ApiProperty() type!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) ref!: string | null;
}

export class RunDto {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty() playbookId!: string;
  @ApiProperty() playbookName!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: PLAYBOOK_RUN_STATUSES }) status!: string;
  @ApiProperty({ type: RunTriggerDto }) trigger!: RunTriggerDto;
  @ApiPropertyOptional({ nullable: true, type: String }) currentStep!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) waitingSince!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) nextAt!: string | null;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ type: [StepStateDto] }) steps!: StepStateDto[];
}

export const RunPageDto = PageDto(RunDto, 'RunPageDto');
