import { Body, Controller, Get, Param, Patch, Query, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiPatchOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { ListTasksQuery, PatchTaskDto, TaskDto, TaskPageDto } from './dto/tasks.dto';
import { TaskView, TasksService } from './tasks.service';

/** CSM tasks of the calling token's workspace, newest first. */
@ApiTags('tasks')
@Controller('v1/tasks')
@UsePipes(requestValidationPipe())
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Tasks by assignee, status, due date and account (cursor pagination)' })
  @ApiResponse({ status: 200, type: TaskPageDto })
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListTasksQuery,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    return this.tasks.list(auth.workspaceId, { ...query, limit: query.limit ?? 50 });
  }

  @Patch(':id')
  @RequireScopes('write')
  @ApiPatchOperation('Close a task (done or skipped, with a note); a run waiting on it goes on')
  @ApiResponse({ status: 200, type: TaskDto })
  @ApiResponse({ status: 404, description: 'no such task in this workspace' })
  @ApiResponse({ status: 409, description: 'the task is closed already' })
  close(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: PatchTaskDto): Promise<TaskView> {
    return this.tasks.close(auth.workspaceId, id, body.status, body.note ?? null);
  }
}
