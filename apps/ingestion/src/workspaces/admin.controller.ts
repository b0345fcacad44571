import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Page, pageOf, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { CredentialView, CredentialsService, WorkspaceView } from './credentials.service';
import {
  CREDENTIALS_CURSOR,
  CredentialPageDto,
  ListCredentialsQuery,
  ListWorkspacesQuery,
  WORKSPACES_CURSOR,
  WorkspacePageDto,
} from './dto/admin-pages.dto';
import {
  CreateApiTokenDto,
  CreateWorkspaceDto,
  CreateWriteKeyDto,
  CreatedWorkspaceDto,
  IssuedCredentialDto,
} from './dto/admin.dto';

const byCreation = (row: { readonly createdAt: string; readonly id: string }) => ({
  at: row.createdAt,
  id: row.id,
});

/**
 * Workspaces, write keys (one per source) and API tokens; guarded by TSUZUKU_ADMIN_TOKEN in
 * adminTokenHook, which runs before the body is parsed (see service.ts).
 */
@ApiTags('admin')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'missing or wrong admin token (checked before the body is read)' })
@ApiResponse({
  status: 429,
  description: 'too many failed authentications from the address; see Retry-After',
})
@ApiResponse({ status: 503, description: 'admin API off: TSUZUKU_ADMIN_TOKEN is not set' })
@Controller('admin/workspaces')
@UsePipes(requestValidationPipe())
export class AdminController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a workspace with its fallback owner (required, null for nobody), a first write key and an admin API token (secrets shown once)',
  })
  @ApiResponse({ status: 201, type: CreatedWorkspaceDto })
  @ApiResponse({ status: 400, description: 'invalid body, with field paths' })
  createWorkspace(@Body() body: CreateWorkspaceDto) {
    return this.credentials.createWorkspace(body.name, body.fallbackOwner);
  }

  @Get()
  @ApiOperation({ summary: 'List workspaces, oldest first, a page at a time' })
  @ApiResponse({ status: 200, type: WorkspacePageDto })
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  async listWorkspaces(@Query() query: ListWorkspacesQuery): Promise<Page<WorkspaceView>> {
    return pageOf(await this.credentials.listWorkspaces(), WORKSPACES_CURSOR, byCreation, query);
  }

  @Post(':workspaceId/write-keys')
  @ApiOperation({ summary: 'Create a write key for a source (secret shown once)' })
  @ApiResponse({ status: 201, type: IssuedCredentialDto })
  @ApiResponse({ status: 404, description: 'no such workspace' })
  createWriteKey(@Param('workspaceId') workspaceId: string, @Body() body: CreateWriteKeyDto) {
    return this.credentials.issue(workspaceId, 'write_key', body.source, []);
  }

  @Get(':workspaceId/write-keys')
  @ApiOperation({ summary: 'List write keys (no secrets), oldest first, a page at a time' })
  @ApiResponse({ status: 200, type: CredentialPageDto })
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  async listWriteKeys(
    @Param('workspaceId') workspaceId: string,
    @Query() query: ListCredentialsQuery,
  ): Promise<Page<CredentialView>> {
    return pageOf(
      await this.credentials.list(workspaceId, 'write_key'),
      CREDENTIALS_CURSOR,
      byCreation,
      query,
    );
  }

  @Post(':workspaceId/write-keys/:id/rotate')
  @ApiOperation({ summary: 'Revoke a write key and issue its replacement (secret shown once)' })
  @ApiResponse({ status: 201, type: IssuedCredentialDto })
  rotateWriteKey(@Param('workspaceId') workspaceId: string, @Param('id') id: string) {
    return this.credentials.rotate(workspaceId, 'write_key', id);
  }

  @Delete(':workspaceId/write-keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a write key: refused at once' })
  @ApiResponse({ status: 204, description: 'revoked (the list shows it with revokedAt)' })
  async revokeWriteKey(@Param('workspaceId') workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.credentials.revoke(workspaceId, 'write_key', id);
  }

  @Post(':workspaceId/api-tokens')
  @ApiOperation({ summary: 'Create an API token with scopes read, write, admin (secret shown once)' })
  @ApiResponse({ status: 201, type: IssuedCredentialDto })
  createApiToken(@Param('workspaceId') workspaceId: string, @Body() body: CreateApiTokenDto) {
    return this.credentials.issue(workspaceId, 'api_token', body.name, body.scopes ?? ['read']);
  }

  @Get(':workspaceId/api-tokens')
  @ApiOperation({ summary: 'List API tokens (no secrets), oldest first, a page at a time' })
  @ApiResponse({ status: 200, type: CredentialPageDto })
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  async listApiTokens(
    @Param('workspaceId') workspaceId: string,
    @Query() query: ListCredentialsQuery,
  ): Promise<Page<CredentialView>> {
    return pageOf(
      await this.credentials.list(workspaceId, 'api_token'),
      CREDENTIALS_CURSOR,
      byCreation,
      query,
    );
  }

  @Post(':workspaceId/api-tokens/:id/rotate')
  @ApiOperation({ summary: 'Revoke an API token and issue its replacement (secret shown once)' })
  @ApiResponse({ status: 201, type: IssuedCredentialDto })
  rotateApiToken(@Param('workspaceId') workspaceId: string, @Param('id') id: string) {
    return this.credentials.rotate(workspaceId, 'api_token', id);
  }

  @Delete(':workspaceId/api-tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token: every service refuses it once the record reaches it' })
  @ApiResponse({ status: 204, description: 'revoked (the list shows it with revokedAt)' })
  async revokeApiToken(@Param('workspaceId') workspaceId: string, @Param('id') id: string): Promise<void> {
    await this.credentials.revoke(workspaceId, 'api_token', id);
  }
}
