import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_RULE_TYPES, ALERT_SEVERITIES, LIFECYCLE_PHASES, TOUCH_MODELS } from '@tsuzuku/contracts';
import { CursorQuery, PageDto, PageQuery } from '@tsuzuku/platform-runtime';
import { PageCursor, RULES_CURSOR } from '../../shared/page-cursor';

class RuleScopeDto {
  @ApiPropertyOptional({ type: [String], description: 'segments watched; empty or absent: all' })
  segments?: string[];
  @ApiPropertyOptional({ enum: TOUCH_MODELS, isArray: true, description: 'touch models watched; empty: all' })
  touchModels?: string[];
  @ApiPropertyOptional({ enum: LIFECYCLE_PHASES, isArray: true, description: 'phases watched; empty: all' })
  phases?: string[];
}

const PARAMS_DOC = [
  'By type:',
  'score_below {threshold: 0-100 | null, onRedBand: boolean};',
  'score_drop {points: 1-100, days: 1-365};',
  'inactivity {days: 1-365};',
  "usage_drop {measure: 'active_users' | 'events', percent: 1-100, minPrevious: integer >= 1 (default 1)};",
  'nps_detractor {maxScore: 0-10 (default 6)};',
  'ticket_spike {count: integer >= 1, days: 1-30, anyP1: boolean (default false)};',
  "renewal_risk {days: 1-730, bands: ('red'|'yellow'|'green')[] (default red, yellow)};",
  'onboarding_stalled {percent: 1-100 (default 100), days: 1-365};',
  'expansion_signal {seatUsagePercent: 1-1000 | null (default 90), promoterMinScore: 0-10 | null (default 9)};',
  "churn_risk_above {probability: above 0 and below 1 (the churn model's probability within its horizon), topContributions: 1-10 (default 3)}.",
].join(' ');

/** A rule as created or replaced (validated by the rule parser, which reports every field path). */
export class RuleInputDto {
  @ApiProperty({ example: 'No sign-in for 30 days', maxLength: 200 })
  name!: string;
  @ApiProperty({ enum: ALERT_RULE_TYPES })
  type!: string;
  @ApiProperty({ type: Object, example: { days: 30 }, description: PARAMS_DOC })
  params!: Record<string, unknown>;
  @ApiProperty({ enum: ALERT_SEVERITIES })
  severity!: string;
  @ApiPropertyOptional({ type: RuleScopeDto, description: 'absent: every account' })
  scope?: RuleScopeDto;
  @ApiPropertyOptional({ default: true })
  enabled?: boolean;
  @ApiPropertyOptional({
    default: 1440,
    minimum: 0,
    description: 'minutes after a resolution during which the account gets no new alert of this rule',
  })
  cooldownMinutes?: number;
  @ApiPropertyOptional({
    default: 14,
    minimum: 0,
    maximum: 365,
    description:
      'grace period: no alert of this rule for an account first seen (its first event) fewer than this many days ago; 0: watched from its first day',
  })
  graceDays?: number;
}

export class RuleDto extends RuleInputDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  workspaceId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** A page of the rule list: oldest first. */
export class ListRulesQuery extends PageQuery {
  @CursorQuery(RULES_CURSOR)
  cursor?: PageCursor;
}

export const RulePageDto = PageDto(RuleDto, 'RulePageDto');
