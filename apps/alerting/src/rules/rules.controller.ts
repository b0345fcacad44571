import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation } from '@tsuzuku/platform-runtime';
import { AlertingEngine } from '../alerts/alerting.engine';
import { AlertsException, AlertsExceptionCode } from '../alerts/alerts.exception';
import { RuleDefinition } from './domain/default-rules';
import { parseRuleDefinition } from './domain/rule-validation';
import { RuleDto, RuleInputDto } from './dto/rule.dto';
import { RulesStore, StoredRule } from './rules.store';

/**
 * The alert rules of the calling token's workspace (the defaults, one per type, exist from the
 * first use). A change re-evaluates the workspace's accounts before answering.
 */
@ApiTags('alert-rules')
@Controller('v1/alert-rules')
export class RulesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RulesStore,
    private readonly engine: AlertingEngine,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's alert rules" })
  @ApiResponse({ status: 200, type: [RuleDto] })
  list(@Auth() auth: AuthContext): Promise<StoredRule[]> {
    return this.rules.list(auth.workspaceId);
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One alert rule' })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  async get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<StoredRule> {
    return (await this.rules.get(auth.workspaceId, id)) ?? notFound(id);
  }

  @Post()
  @RequireScopes('write')
  @ApiOperation({ summary: 'Create an alert rule' })
  @ApiBody({ type: RuleInputDto })
  @ApiResponse({ status: 201, type: RuleDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  async create(@Auth() auth: AuthContext, @Body() body: unknown): Promise<StoredRule> {
    const created = await this.rules.create(auth.workspaceId, parsed(body));
    await this.reevaluate(auth.workspaceId);
    return created;
  }

  @Put(':id')
  @RequireScopes('write')
  @ApiReplaceOperation('Replace an alert rule; its open alerts are re-evaluated against it')
  @ApiBody({ type: RuleInputDto })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  async replace(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<StoredRule> {
    const rule = parsed(body);
    const replaced = await this.dataSource.transaction((m) =>
      this.rules.replace(m, auth.workspaceId, id, rule),
    );
    if (!replaced) return notFound(id);
    await this.reevaluate(auth.workspaceId);
    return replaced;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('write')
  @ApiOperation({ summary: 'Delete an alert rule; its open alerts are resolved' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    const deleted = await this.dataSource.transaction((m) => this.rules.delete(m, auth.workspaceId, id));
    if (!deleted) notFound(id);
    await this.reevaluate(auth.workspaceId);
  }

  private async reevaluate(workspaceId: string): Promise<void> {
    const keys = await this.engine.accountKeysOf(workspaceId);
    for (let i = 0; i < keys.length; i += 500)
      await this.engine.reevaluate(keys.slice(i, i + 500), 'rules changed');
  }
}

function parsed(body: unknown): RuleDefinition {
  const result = parseRuleDefinition(body);
  if (!result.ok)
    throw new AlertsException(AlertsExceptionCode.InvalidRule, 'the rule is invalid', result.problems);
  return result.rule;
}

function notFound(id: string): never {
  throw new AlertsException(AlertsExceptionCode.RuleNotFound, `no alert rule ${id} in this workspace`);
}
