import { Body, Controller, Delete, HttpCode, Param, Patch, Post, Put, Query, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import {
  ApiPatchOperation,
  ApiRead,
  ApiReplaceOperation,
  ApiWarning,
  Page,
  matchesNoAccount,
  pageOf,
  requestValidationPipe,
} from '@tsuzuku/platform-runtime';
import { Rescorer, StoredScorecard } from '../scoring/ports';
import { DEFAULT_SCORECARD_BANDS, defaultMeasures } from './domain/default-scorecard';
import {
  ChangedScorecardDto,
  CreateScorecardDto,
  InvalidRequestDto,
  ListScorecardsQuery,
  PatchScorecardDto,
  ReplaceScorecardDto,
  SCORECARDS_CURSOR,
  ScorecardDto,
  ScorecardPageDto,
} from './dto/scorecard.dto';
import { ScorecardInput, ScorecardsService } from './scorecards.service';

/**
 * A scorecard after a change, with how many accounts were rescored by it, and warnings (a segment
 * no account has: `matches_no_account`).
 */
export type ChangedScorecard = StoredScorecard & {
  readonly rescored: number;
  readonly warnings: readonly ApiWarning[];
};

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

  @ApiRead(
    "The workspace's scorecards, the default one first (created on first use), a page at a time",
    ScorecardPageDto,
  )
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  async list(@Auth() auth: AuthContext, @Query() query: ListScorecardsQuery): Promise<Page<StoredScorecard>> {
    const scorecards = await this.scorecards.scorecardsOf(auth.workspaceId);
    // Default first, then oldest first: the default's rank sorts before every other's.
    return pageOf(
      scorecards,
      SCORECARDS_CURSOR,
      (s) => ({ rank: s.isDefault ? '0' : '1', at: s.createdAt, id: s.id }),
      query,
    );
  }

  @ApiRead('One scorecard', ScorecardDto, ':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<StoredScorecard> {
    return this.scorecards.get(auth.workspaceId, id);
  }

  @Post()
  @RequireScopes('write')
  @ApiOperation({
    summary:
      'Create a scorecard for a segment and/or touch model (measures default to the DEAR ones), or a draft (draft: true), which scores nothing until published and may have no audience',
  })
  @ApiResponse({ status: 201, type: ChangedScorecardDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  @ApiResponse({ status: 409, description: 'the audience has a scorecard already' })
  async create(@Auth() auth: AuthContext, @Body() body: CreateScorecardDto): Promise<ChangedScorecard> {
    const created = await this.scorecards.create(
      auth.workspaceId,
      inputOf(body, body.measures ?? defaultMeasures(), body.draft ?? false),
    );
    return this.rescore(auth.workspaceId, created);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({
    summary:
      "Publish a draft: with an audience it goes live for it; without one its measures and bands become the default scorecard's and the draft is removed. Answers the scorecard now in use, after rescoring",
  })
  @ApiResponse({ status: 200, type: ChangedScorecardDto })
  @ApiResponse({ status: 409, description: 'not a draft, or a live scorecard has its audience' })
  async publish(@Auth() auth: AuthContext, @Param('id') id: string): Promise<ChangedScorecard> {
    return this.rescore(auth.workspaceId, await this.scorecards.publish(auth.workspaceId, id));
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
    const replaced = await this.scorecards.replace(auth.workspaceId, id, inputOf(body, body.measures));
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
  @HttpCode(204)
  @RequireScopes('write')
  @ApiOperation({
    summary: 'Delete a scorecard: its accounts are rescored by the next one that fits before the answer',
  })
  @ApiResponse({ status: 204, description: 'deleted; the workspace is rescored' })
  @ApiResponse({ status: 409, description: 'the default scorecard cannot be deleted' })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    const removed = await this.scorecards.remove(auth.workspaceId, id);
    await this.rescorer.rescoreWorkspace(auth.workspaceId, `scorecard deleted: ${removed.name}`);
  }

  private async rescore(workspaceId: string, scorecard: StoredScorecard): Promise<ChangedScorecard> {
    // A draft scores no account: nothing to rescore.
    const rescored = scorecard.draft
      ? 0
      : await this.rescorer.rescoreWorkspace(workspaceId, `scorecard changed: ${scorecard.name}`);
    const warnings: ApiWarning[] = [];
    if (
      scorecard.segment !== null &&
      (await this.rescorer.accountsInSegment(workspaceId, scorecard.segment)) === 0
    )
      warnings.push(matchesNoAccount('segment', scorecard.segment));
    return { ...scorecard, rescored, warnings };
  }
}

/** The whole scorecard a create or replace body defines with these measures; bands default to the DEAR ones. */
function inputOf(
  body: CreateScorecardDto | ReplaceScorecardDto,
  measures: ScorecardInput['measures'],
  draft = false,
): ScorecardInput {
  return {
    draft,
    segment: body.segment ?? null,
    touchModel: body.touchModel ?? null,
    name: body.name,
    measures,
    bands: body.bands ?? DEFAULT_SCORECARD_BANDS,
  };
}
