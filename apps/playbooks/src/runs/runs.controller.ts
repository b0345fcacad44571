import { Body, Controller, Get, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { CancelRunDto, ListRunsQuery, RunDto, RunPageDto } from './dto/runs.dto';
import { RunView, RunsService } from './runs.service';

/** Playbook runs of the calling token's workspace, newest first, with the state of every step. */
@ApiTags('playbook-runs')
@Controller('v1/playbook-runs')
@UsePipes(requestValidationPipe())
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Runs by account, playbook and status (cursor pagination, newest first)' })
  @ApiResponse({ status: 200, type: RunPageDto })
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListRunsQuery,
  ): Promise<{ items: RunView[]; nextCursor: string | null }> {
    return this.runs.list(auth.workspaceId, { ...query, limit: query.limit ?? 50 });
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One run' })
  @ApiResponse({ status: 200, type: RunDto })
  @ApiResponse({ status: 404, description: 'no such run in this workspace' })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<RunView> {
    return this.runs.get(auth.workspaceId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Cancel a running run: no further step executes' })
  @ApiResponse({ status: 200, type: RunDto })
  @ApiResponse({ status: 404, description: 'no such run in this workspace' })
  @ApiResponse({ status: 409, description: 'the run is not running' })
  cancel(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: CancelRunDto): Promise<RunView> {
    return this.runs.cancel(auth.workspaceId, id, body?.reason ?? null);
  }
}
