import { Body, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiController, ApiException, ApiPatchOperation, ApiRead } from '@tsuzuku/platform-runtime';
import { CreateTaskDto, ListTasksQuery, PatchTaskDto, TaskDto, TaskPageDto } from './dto/tasks.dto';
import { TaskView, TasksService } from './tasks.service';

/** CSM tasks of the calling token's workspace, newest first. */
@ApiController('tasks', 'v1/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @ApiRead(
    'Tasks by owner (or unassigned=true: those with none), status, due date and account (cursor pagination)',
    TaskPageDto,
  )
  @ApiResponse({
    status: 400,
    description: 'a wrong query parameter, or owner with unassigned=true (in: query)',
  })
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListTasksQuery,
  ): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    if (query.unassigned === true && query.owner !== undefined)
      throw new ApiException(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        'the query string is invalid',
        [{ path: 'unassigned', message: 'give owner or unassigned=true, not both' }],
        { in: 'query' },
      );
    return this.tasks.list(auth.workspaceId, { ...query, limit: query.limit ?? 50 });
  }

  @Post()
  @RequireScopes('write')
  @ApiOperation({
    summary:
      "Create a task for an account by hand; owner absent: the account's owner, else the workspace's fallback owner",
  })
  @ApiResponse({ status: 201, type: TaskDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path (in: body)' })
  @ApiResponse({ status: 404, description: 'playbooks has not seen the account in this workspace' })
  create(@Auth() auth: AuthContext, @Body() body: CreateTaskDto): Promise<TaskView> {
    return this.tasks.create(auth.workspaceId, {
      accountId: body.accountId,
      title: body.title,
      description: body.description ?? null,
      // No task is created for nobody while the workspace has a fallback owner: null is "not named".
      ...(body.owner === undefined || body.owner === null ? {} : { owner: body.owner }),
      priority: body.priority ?? 'medium',
      dueAt: body.dueAt ?? null,
    });
  }

  @Patch(':id')
  @RequireScopes('write')
  @ApiPatchOperation(
    'Change an open task: reassign it (owner; it then keeps that owner when the account changes owner), move its due date, or close it (done or skipped, with a note); a run waiting on it goes on',
  )
  @ApiResponse({ status: 200, type: TaskDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path (in: body)' })
  @ApiResponse({ status: 404, description: 'no such task in this workspace' })
  @ApiResponse({ status: 409, description: 'the task is closed already: it cannot be changed' })
  patch(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: PatchTaskDto): Promise<TaskView> {
    return this.tasks.change(auth.workspaceId, id, {
      ...(body.owner === undefined ? {} : { owner: body.owner }),
      ...(body.dueAt === undefined ? {} : { dueAt: body.dueAt }),
      ...(body.status === undefined ? {} : { status: body.status }),
      ...(body.note === undefined ? {} : { note: body.note }),
    });
  }
}
