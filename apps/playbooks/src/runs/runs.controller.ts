import { Body, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiAction, ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { CancelRunDto, ListRunsQuery, RunDto, RunPageDto } from './dto/runs.dto';
import { RunView, RunsService } from './runs.service';

/** Playbook runs of the calling token's workspace, newest first, with the state of every step. */
@ApiController('playbook-runs', 'v1/playbook-runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @ApiRead('Runs by account, playbook and status (cursor pagination, newest first)', RunPageDto)
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListRunsQuery,
  ): Promise<{ items: RunView[]; nextCursor: string | null }> {
    return this.runs.list(auth.workspaceId, { ...query, limit: query.limit ?? 50 });
  }

  @ApiRead('One run', RunDto, ':id')
  @ApiResponse({ status: 404, description: 'no such run in this workspace' })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<RunView> {
    return this.runs.get(auth.workspaceId, id);
  }

  @ApiAction('Cancel a running run: no further step executes', RunDto, ':id/cancel')
  @ApiResponse({ status: 404, description: 'no such run in this workspace' })
  @ApiResponse({ status: 409, description: 'the run is not running' })
  cancel(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: CancelRunDto): Promise<RunView> {
    return this.runs.cancel(auth.workspaceId, id, body?.reason ?? null);
  }
}
