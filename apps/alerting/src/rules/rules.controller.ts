import { Body, Controller, Param, Put, Query } from '@nestjs/common';
import { ApiBody, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import {
  ApiCreate,
  ApiDelete,
  ApiRead,
  ApiReplaceOperation,
  Page,
  requestValidationPipe,
} from '@tsuzuku/platform-runtime';
import { AlertsException } from '../alerts/alerts.exception';
import { RuleDefinition } from './domain/alert-rule';
import { parseRuleDefinition } from './domain/rule-validation';
import { ListRulesQuery, RuleDto, RuleInputDto, RulePageDto } from './dto/rule.dto';
import { StoredRule } from './rule.repository';
import { RulesService } from './rules.service';

/**
 * The alert rules of the calling token's workspace (the defaults, one per type, exist from the
 * first use). A change re-evaluates the workspace's accounts before answering.
 */
@ApiTags('alert-rules')
@Controller('v1/alert-rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @ApiRead("The workspace's alert rules, oldest first, a page at a time", RulePageDto)
  @ApiResponse({ status: 400, description: 'invalid limit or cursor, with field paths' })
  list(
    @Auth() auth: AuthContext,
    @Query(requestValidationPipe()) query: ListRulesQuery,
  ): Promise<Page<StoredRule>> {
    return this.rules.list(auth.workspaceId, query);
  }

  @ApiRead('One alert rule', RuleDto, ':id')
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<StoredRule> {
    return this.rules.get(auth.workspaceId, id);
  }

  @ApiCreate('Create an alert rule', RuleDto)
  @ApiBody({ type: RuleInputDto })
  create(@Auth() auth: AuthContext, @Body() body: unknown): Promise<StoredRule> {
    return this.rules.create(auth.workspaceId, parsed(body));
  }

  @Put(':id')
  @RequireScopes('write')
  @ApiReplaceOperation('Replace an alert rule; its open alerts are re-evaluated against it')
  @ApiBody({ type: RuleInputDto })
  @ApiResponse({ status: 200, type: RuleDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  replace(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown): Promise<StoredRule> {
    return this.rules.replace(auth.workspaceId, id, parsed(body));
  }

  @ApiDelete('Delete an alert rule; its open alerts are resolved', ':id')
  @ApiResponse({ status: 404, description: 'no such rule in this workspace' })
  delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.rules.delete(auth.workspaceId, id);
  }
}

function parsed(body: unknown): RuleDefinition {
  const result = parseRuleDefinition(body);
  if (!result.ok) throw new AlertsException('invalid_rule', 'the rule is invalid', result.problems);
  return result.rule;
}
