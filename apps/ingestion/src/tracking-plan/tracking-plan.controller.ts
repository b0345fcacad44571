import { Body, Controller, Get, Put, Query, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import {
  PutTrackingPlanDto,
  TrackingPlanDto,
  UnmatchedPageDto,
  UnmatchedQueryDto,
} from './dto/tracking-plan.dto';
import { TrackingPlanService, TrackingPlanView, UnmatchedView } from './tracking-plan.service';

/** The tracking plan of the calling token's workspace, and the event names that matched nothing. */
@ApiTags('tracking plan')
@Controller('v1/tracking-plan')
@UsePipes(requestValidationPipe())
export class TrackingPlanController {
  constructor(private readonly plans: TrackingPlanService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's tracking plan (empty until set)" })
  @ApiResponse({ status: 200, type: TrackingPlanDto })
  get(@Auth() auth: AuthContext): Promise<TrackingPlanView> {
    return this.plans.view(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation(
    "Replace the tracking plan: your event names and property values mapped onto Tsuzuku's",
  )
  @ApiResponse({ status: 200, type: TrackingPlanDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  put(@Auth() auth: AuthContext, @Body() body: PutTrackingPlanDto): Promise<TrackingPlanView> {
    return this.plans.replace(auth.workspaceId, {
      events: body.events.map((e) => ({
        name: e.name,
        ...(e.mapsTo === undefined ? {} : { mapsTo: e.mapsTo }),
        ...(e.properties === undefined ? {} : { properties: e.properties }),
      })),
    });
  }

  @Get('unmatched')
  @RequireScopes('read')
  @ApiOperation({
    summary: 'Track event names that are no CS event after mapping, most counted first',
  })
  @ApiResponse({ status: 200, type: UnmatchedPageDto })
  unmatched(
    @Auth() auth: AuthContext,
    @Query() query: UnmatchedQueryDto,
  ): Promise<{ items: UnmatchedView[]; nextCursor: string | null }> {
    return this.plans.unmatched(auth.workspaceId, query.limit ?? 50, query.cursor);
  }
}
