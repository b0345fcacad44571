import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import {
  ApiPatchOperation,
  ApiReplaceOperation,
  IntegerParamPipe,
  Page,
  pageOf,
  pageSchema,
  requestValidationPipe,
} from '@tsuzuku/platform-runtime';
import {
  DryRunDto,
  DryRunResultDto,
  InvalidRequestDto,
  ListPlaybooksQuery,
  PLAYBOOKS_CURSOR,
  PLAYBOOK_DEFINITION_SCHEMA,
  PLAYBOOK_SCHEMA,
} from './dto/playbook.dto';
import { DryRunResult, PlaybookView, PlaybooksService } from './playbooks.service';

/**
 * The playbooks of the calling token's workspace (the built-in ones are created on first use).
 * Every change makes a new version; runs keep the version they started with.
 */
@ApiTags('playbooks')
@ApiResponse({ status: 404, description: 'no such playbook in this workspace' })
@Controller('v1/playbooks')
export class PlaybooksController {
  constructor(private readonly playbooks: PlaybooksService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's playbooks, current versions, oldest first, a page at a time" })
  @ApiResponse({ status: 200, schema: pageSchema(PLAYBOOK_SCHEMA) })
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  async list(
    @Auth() auth: AuthContext,
    @Query(requestValidationPipe()) query: ListPlaybooksQuery,
  ): Promise<Page<PlaybookView>> {
    const playbooks = await this.playbooks.list(auth.workspaceId);
    return pageOf(playbooks, PLAYBOOKS_CURSOR, (p) => ({ at: p.createdAt, id: p.id }), query);
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One playbook, current version' })
  @ApiResponse({ status: 200, schema: PLAYBOOK_SCHEMA })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<PlaybookView> {
    return this.playbooks.get(auth.workspaceId, id);
  }

  @Get(':id/versions/:version')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One version of a playbook' })
  @ApiResponse({ status: 200, schema: PLAYBOOK_SCHEMA })
  version(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('version', new IntegerParamPipe()) version: number,
  ): Promise<PlaybookView> {
    return this.playbooks.version(auth.workspaceId, id, version);
  }

  @Post()
  @RequireScopes('write')
  @ApiOperation({ summary: 'Create a playbook (version 1)' })
  @ApiBody({ schema: PLAYBOOK_DEFINITION_SCHEMA })
  @ApiResponse({ status: 201, schema: PLAYBOOK_SCHEMA })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  create(@Auth() auth: AuthContext, @Body() body: unknown): Promise<PlaybookView> {
    return this.playbooks.create(auth.workspaceId, body);
  }

  @Put(':id')
  @RequireScopes('write')
  @ApiReplaceOperation('Replace the definition: a new version')
  @ApiBody({ schema: PLAYBOOK_DEFINITION_SCHEMA })
  @ApiResponse({ status: 200, schema: PLAYBOOK_SCHEMA })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  replace(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<PlaybookView> {
    return this.playbooks.update(auth.workspaceId, id, body, false);
  }

  @Patch(':id')
  @RequireScopes('write')
  @ApiPatchOperation('Change top-level fields (e.g. {"enabled": false}): a new version')
  @ApiBody({ schema: { ...PLAYBOOK_DEFINITION_SCHEMA, required: [] } })
  @ApiResponse({ status: 200, schema: PLAYBOOK_SCHEMA })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  patch(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<PlaybookView> {
    return this.playbooks.update(auth.workspaceId, id, body, true);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Delete a playbook: no new runs; runs under way finish on their version' })
  @ApiResponse({ status: 204, description: 'deleted' })
  async remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    await this.playbooks.remove(auth.workspaceId, id);
  }

  @Post(':id/dry-run')
  @HttpCode(200)
  @RequireScopes('read')
  @ApiOperation({ summary: 'What a run started now for the account would do, without doing anything' })
  @ApiResponse({ status: 200, type: DryRunResultDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  dryRun(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body(requestValidationPipe()) body: DryRunDto,
  ): Promise<DryRunResult> {
    return this.playbooks.dryRun(auth.workspaceId, id, body.accountId);
  }
}
