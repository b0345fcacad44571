import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { TASK_STATUSES, TaskStatus } from '@tsuzuku/contracts';
import { CursorQuery, IsInstant, PageDto, PageQuery, TextFilter, ToBoolean } from '@tsuzuku/platform-runtime';
import { SeqCursor, TASKS_CURSOR } from '../../shared/seq-cursor';
import { TASK_PRIORITIES, TaskPriority } from '../../playbooks/domain/playbook-definition';

export class ListTasksQuery extends PageQuery {
  @TextFilter(320, "the owner's email (case-insensitive)")
  owner?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: only the tasks with no owner (not with owner)',
  })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'unassigned must be true or false' })
  unassigned?: boolean;

  @ApiPropertyOptional({ enum: TASK_STATUSES }) @IsOptional() @IsIn(TASK_STATUSES) status?: TaskStatus;

  @TextFilter(500) accountId?: string;

  @ApiPropertyOptional({ description: 'due strictly before this time (ISO-8601)' })
  @IsOptional()
  @IsInstant()
  dueBefore?: string;

  @ApiPropertyOptional({ description: 'due at or after this time (ISO-8601)' })
  @IsOptional()
  @IsInstant()
  dueAfter?: string;

  @CursorQuery(TASKS_CURSOR)
  cursor?: SeqCursor;
}

/** A change of an open task: any of owner, due date and status (closing it), with a note. */
export class PatchTaskDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'the new owner (an email; null: nobody); the task then keeps it when the account changes owner',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail({}, { message: 'owner must be an email address or null' })
  @MaxLength(320)
  owner?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'ISO-8601; null: no due date' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInstant()
  dueAt?: string | null;

  @ApiPropertyOptional({ enum: ['done', 'skipped'], description: 'closes the task' })
  @ValidateIf((o: PatchTaskDto) => o.status !== undefined || nothingToChange(o))
  @IsDefined({ message: 'give at least one of owner, dueAt, status' })
  @IsIn(['done', 'skipped'])
  status?: 'done' | 'skipped';

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

function nothingToChange(o: PatchTaskDto): boolean {
  return o.owner === undefined && o.dueAt === undefined && o.note === undefined;
}

/** A task a person creates for an account. */
export class CreateTaskDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) accountId!: string;

  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) title!: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      "an email (kept when the account changes owner); absent or null: the account's owner, else the workspace's fallback owner (and it follows the account's owner). A task is created for nobody only when the workspace has no fallback owner",
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail({}, { message: 'owner must be an email address or null' })
  @MaxLength(320)
  owner?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'medium' })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({ description: 'ISO-8601' })
  @IsOptional()
  @IsInstant()
  dueAt?: string;
}

export class TaskDto {
  @ApiProperty() id!: string;
  @ApiProperty() accountId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) runId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) playbookId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) stepId!: string | null;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'null: nobody' }) owner!: string | null;
  @ApiProperty({ description: "a person chose the owner: it does not follow the account's owner" })
  ownerSetByHand!: boolean;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) note!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) updatedAt!: string | null;
}

export const TaskPageDto = PageDto(TaskDto, 'TaskPageDto');
