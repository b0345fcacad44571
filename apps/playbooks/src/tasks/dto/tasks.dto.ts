import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TASK_STATUSES, TaskStatus } from '@tsuzuku/contracts';
import { CursorQuery, IsInstant, ToInteger } from '@tsuzuku/platform-runtime';
import { SeqCursor, TASKS_CURSOR } from '../../shared/seq-cursor';
import { TASK_PRIORITIES } from '../../playbooks/domain/playbook-definition';

export class ListTasksQuery {
  @ApiPropertyOptional({ description: 'email (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  assignee?: string;

  @ApiPropertyOptional({ enum: TASK_STATUSES }) @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(500) accountId?: string;

  @ApiPropertyOptional({ description: 'due strictly before this time (ISO-8601)' })
  @IsOptional()
  @IsInstant()
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'due at or after this time (ISO-8601)' })
  @IsOptional()
  @IsInstant()
  dueAfter?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @CursorQuery(TASKS_CURSOR)
  cursor?: SeqCursor;
}

export class PatchTaskDto {
  @ApiProperty({ enum: ['done', 'skipped'] })
  @IsIn(['done', 'skipped'])
  status!: 'done' | 'skipped';

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class TaskDto {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) runId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) playbookId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) stepId!: string | null;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) assignee!: string | null;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) note!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'pass as cursor for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
