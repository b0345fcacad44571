import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiPatchOperation, ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { Rescorer, StoredScorecard } from '../scoring/ports';
import { DEFAULT_SCORECARD_BANDS, defaultMeasures } from './domain/default-scorecard';
import {
  ChangedScorecardDto,
  CreateScorecardDto,
  InvalidRequestDto,
  PatchScorecardDto,
  ReplaceScorecardDto,
  ScorecardDto,
} from './dto/scorecard.dto';
import { ScorecardInput, ScorecardsService } from './scorecards.service';

/** A scorecard after a change, with how many accounts were rescored by it. */
export type ChangedScorecard = StoredScorecard & { readonly rescored: number };

/**
 * The scorecards of the calling token's workspace. Every change rescores the workspace's
 * accounts before answering. `write` (or `admin`, which covers it) is needed for changes.
 */
@ApiTags('scorecards')
@ApiResponse({ status: 404, description: 'no such scorecard in this workspace' })
@Controller('v1/scorecards')
@UsePipes(requestValidationPipe())
export class ScorecardsController {
  constructor(
    private readonly scorecards: ScorecardsService,
    private readonly rescorer: Rescorer,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's scorecards, the default one first (created on first use)" })
  @ApiResponse({ status: 200, type: [ScorecardDto] })
  list(@Auth() auth: AuthContext): Promise<readonly StoredScorecard[]> {
    return this.scorecards.scorecardsOf(auth.workspaceId);
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One scorecard' })
  @ApiResponse({ status: 200, type: ScorecardDto })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<StoredScorecard> {
    return this.scorecards.get(auth.workspaceId, id);
  }

  @Post()
  @RequireScopes('write')
  @ApiOperation({
    summary: 'Create a scorecard for a segment and/or touch model (measures default to the DEAR ones)',
  })
  @ApiResponse({ status: 201, type: ChangedScorecardDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  @ApiResponse({ status: 409, description: 'the audience has a scorecard already' })
  async create(@Auth() auth: AuthContext, @Body() body: CreateScorecardDto): Promise<ChangedScorecard> {
    const created = await this.scorecards.create(auth.workspaceId, {
      ...audienceOf(body),
      name: body.name,
      measures: body.measures ?? defaultMeasures(),
      bands: body.bands ?? DEFAULT_SCORECARD_BANDS,
    });
    return this.rescore(auth.workspaceId, created);
  }

  @Put(':id')
  @RequireScopes('write')
  @ApiReplaceOperation('Replace a scorecard (the default one keeps no segment or touch model)')
  @ApiResponse({ status: 200, type: ChangedScorecardDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  @ApiResponse({ status: 409, description: 'the new audience has a scorecard already' })
  async replace(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ReplaceScorecardDto,
  ): Promise<ChangedScorecard> {
    const replaced = await this.scorecards.replace(auth.workspaceId, id, {
      ...audienceOf(body),
      name: body.name,
      measures: body.measures,
      bands: body.bands ?? DEFAULT_SCORECARD_BANDS,
    });
    return this.rescore(auth.workspaceId, replaced);
  }

  @Patch(':id')
  @RequireScopes('write')
  @ApiPatchOperation("Change a scorecard's name, measures and/or bands")
  @ApiResponse({ status: 200, type: ChangedScorecardDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  async patch(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: PatchScorecardDto,
  ): Promise<ChangedScorecard> {
    const patched = await this.scorecards.patch(auth.workspaceId, id, body);
    return this.rescore(auth.workspaceId, patched);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Delete a scorecard: its accounts are scored by the next one that fits' })
  @ApiResponse({ status: 200, type: ChangedScorecardDto, description: 'the deleted scorecard' })
  @ApiResponse({ status: 409, description: 'the default scorecard cannot be deleted' })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ChangedScorecard> {
    const removed = await this.scorecards.remove(auth.workspaceId, id);
    return this.rescore(auth.workspaceId, removed);
  }

  private async rescore(workspaceId: string, scorecard: StoredScorecard): Promise<ChangedScorecard> {
    const rescored = await this.rescorer.rescoreWorkspace(
      workspaceId,
      `scorecard changed: ${scorecard.name}`,
    );
    return { ...scorecard, rescored };
  }
}

function audienceOf(
  body: CreateScorecardDto | ReplaceScorecardDto,
): Pick<ScorecardInput, 'segment' | 'touchModel'> {
  return { segment: body.segment ?? null, touchModel: body.touchModel ?? null };
}
