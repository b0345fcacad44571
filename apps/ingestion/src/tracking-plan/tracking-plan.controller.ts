import { Body, Query } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead, ApiReplace } from '@tsuzuku/platform-runtime';
import {
  PutTrackingPlanDto,
  TrackingPlanDto,
  UnmatchedPageDto,
  UnmatchedQueryDto,
} from './dto/tracking-plan.dto';
import { TrackingPlanService, TrackingPlanView, UnmatchedView } from './tracking-plan.service';

/** The tracking plan of the calling token's workspace, and the event names that matched nothing. */
@ApiController('tracking plan', 'v1/tracking-plan')
export class TrackingPlanController {
  constructor(private readonly plans: TrackingPlanService) {}

  @ApiRead("The workspace's tracking plan (empty until set)", TrackingPlanDto)
  get(@Auth() auth: AuthContext): Promise<TrackingPlanView> {
    return this.plans.view(auth.workspaceId);
  }

  @ApiReplace(
    "Replace the tracking plan: your event names and property values mapped onto Tsuzuku's",
    TrackingPlanDto,
  )
  put(@Auth() auth: AuthContext, @Body() body: PutTrackingPlanDto): Promise<TrackingPlanView> {
    return this.plans.replace(auth.workspaceId, {
      events: body.events.map((e) => ({
        name: e.name,
        ...(e.mapsTo === undefined ? {} : { mapsTo: e.mapsTo }),
        ...(e.properties === undefined ? {} : { properties: e.properties }),
      })),
    });
  }

  @ApiRead(
    'Track event names that are no CS event after mapping, most counted first',
    UnmatchedPageDto,
    'unmatched',
  )
  unmatched(
    @Auth() auth: AuthContext,
    @Query() query: UnmatchedQueryDto,
  ): Promise<{ items: UnmatchedView[]; nextCursor: string | null }> {
    return this.plans.unmatched(auth.workspaceId, query.limit ?? 50, query.cursor);
  }
}
