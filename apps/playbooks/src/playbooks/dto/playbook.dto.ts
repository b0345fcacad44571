import { ApiProperty, ApiPropertyOptional, ApiResponseSchemaHost } from '@nestjs/swagger';

type SchemaObject = ApiResponseSchemaHost['schema'];
import { IsString, MaxLength, MinLength } from 'class-validator';
import {
  ALERT_RULE_TYPES,
  HEALTH_BANDS,
  LIFECYCLE_PHASES,
  PLAYBOOK_STEP_TYPES,
  PLAYBOOK_TRIGGER_TYPES,
  TOUCH_MODELS,
} from '@tsuzuku/contracts';
import { CursorCodec, CursorOf, CursorQuery, PageQuery, cursorField } from '@tsuzuku/platform-runtime';
import { TASK_PRIORITIES } from '../domain/playbook-definition';
import { TEMPLATE_FIELDS } from '../domain/template-render';

// The definition is checked by validateDefinition (every problem with its path); this schema documents it.

const duration: SchemaObject = {
  oneOf: [
    { type: 'string', example: 'P7D', description: 'ISO-8601: days, hours, minutes, seconds (P7D, PT3S)' },
    {
      type: 'object',
      properties: {
        days: { type: 'number' },
        hours: { type: 'number' },
        minutes: { type: 'number' },
        seconds: { type: 'number' },
      },
    },
  ],
};

const condition: SchemaObject = {
  type: 'object',
  description: 'every field given must hold',
  properties: {
    bandIn: { type: 'array', items: { enum: [...HEALTH_BANDS] } },
    scoreBelow: { type: 'number' },
    scoreAtLeast: { type: 'number' },
    phaseIn: { type: 'array', items: { enum: [...LIFECYCLE_PHASES] } },
    eventSeen: { type: 'string', description: 'a track event seen for the account since the run started' },
    taskDone: { type: 'string', description: 'the task of this task step (of the run) is done' },
    onboardingComplete: { type: 'boolean' },
    alertResolved: { type: 'boolean', description: 'the alert that started the run is resolved' },
  },
};

/** JSON schema of a playbook definition, for the OpenAPI document. */
export const PLAYBOOK_DEFINITION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['name', 'trigger', 'steps'],
  example: {
    name: 'Renewal call',
    trigger: { type: 'days_before_renewal', days: 60 },
    steps: [{ id: 'call', type: 'task', title: 'Call about the renewal', dueInDays: 3, priority: 'high' }],
  },
  properties: {
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string', nullable: true },
    enabled: { type: 'boolean', default: true },
    trigger: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: [...PLAYBOOK_TRIGGER_TYPES] },
        ruleType: {
          enum: [...ALERT_RULE_TYPES],
          description: 'alert_raised: alerts of rules of this type (give ruleType, ruleIds or both)',
        },
        ruleIds: {
          type: 'array',
          items: { type: 'string', format: 'uuid' },
          description:
            'alert_raised: alerts of these rules (alert-rule ids); a rule named here by some playbook no longer starts the playbooks that select only its type',
        },
        segments: {
          type: 'array',
          items: { type: 'string' },
          description:
            "alert_raised: only accounts of these segments (the account's segment when the alert was raised; case-insensitive)",
        },
        to: { enum: [...LIFECYCLE_PHASES], description: 'phase_changed' },
        days: { type: 'integer', description: 'days_before_renewal' },
        every: {
          type: 'string',
          description: 'schedule: an interval (90d, 12h, 30m) or a cron expression (UTC)',
        },
      },
    },
    audience: {
      type: 'object',
      properties: {
        segments: { type: 'array', items: { type: 'string' } },
        touchModels: { type: 'array', items: { enum: [...TOUCH_MODELS] } },
        phases: { type: 'array', items: { enum: [...LIFECYCLE_PHASES] } },
        bands: { type: 'array', items: { enum: [...HEALTH_BANDS] } },
      },
    },
    steps: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['id', 'type'],
        description: `fields by type — task: title, description, dueIn | dueInDays, priority (${TASK_PRIORITIES.join(', ')}), owner (account | manager | email; assignee is its name before); email: subject, body; wait: duration | until (+ timeout); branch: if, then, else (a later step id or "end"); webhook: url, secrets (1-2, ≥16 chars); notify: url, text. Templates may use ${TEMPLATE_FIELDS.map((f) => `{{${f}}}`).join(', ')}.`,
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
          type: { enum: [...PLAYBOOK_STEP_TYPES] },
          title: { type: 'string' },
          description: { type: 'string' },
          dueIn: duration,
          dueInDays: { type: 'number' },
          priority: { enum: [...TASK_PRIORITIES] },
          owner: { type: 'string' },
          assignee: { type: 'string', deprecated: true },
          subject: { type: 'string' },
          body: { type: 'string' },
          duration,
          until: condition,
          timeout: duration,
          if: condition,
          then: { type: 'string' },
          else: { type: 'string' },
          url: {
            type: 'string',
            format: 'uri',
            description:
              'webhook, notify: http(s) to a public address (no loopback, private, link-local or metadata address); masked in answers',
          },
          secrets: { type: 'array', items: { type: 'string' } },
          text: { type: 'string' },
        },
      },
    },
    exit: { type: 'array', items: condition, description: 'the run ends as exited when any holds' },
    holdoutPercent: { type: 'number', minimum: 0, maximum: 100, default: 0 },
  },
};

export const PLAYBOOK_SCHEMA: SchemaObject = {
  allOf: [
    PLAYBOOK_DEFINITION_SCHEMA,
    {
      type: 'object',
      properties: {
        id: { type: 'string', format: 'uuid' },
        version: { type: 'integer', minimum: 1 },
        template: { type: 'string', nullable: true, description: 'the built-in template it came from' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time', description: 'when this version was made' },
      },
    },
  ],
};

export class DryRunDto {
  @ApiProperty({ example: 'acct-42' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  accountId!: string;
}

export class PredictedStepDto {
  @ApiProperty() stepId!: string;
  @ApiProperty({ enum: [...PLAYBOOK_STEP_TYPES] }) type!: string;
  @ApiProperty() summary!: string;
}

export class DryRunResultDto {
  @ApiProperty() playbookId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() accountId!: string;
  @ApiProperty() inAudience!: boolean;
  @ApiProperty() holdout!: boolean;
  @ApiProperty({ type: [PredictedStepDto] }) steps!: PredictedStepDto[];
  @ApiProperty({ enum: ['completed', 'exited', 'not_started'] }) ending!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
}

export class ProblemDto {
  @ApiProperty({ example: 'steps[1].title' }) path!: string;
  @ApiProperty({ example: 'is required' }) message!: string;
}

export class InvalidRequestDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'invalid_playbook' }) error!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [ProblemDto] }) errors!: ProblemDto[];
}

const playbookKeys = { at: cursorField.instant(), id: cursorField.text(128) };

/** The cursors of the playbook list (oldest first: created_at, id). */
export const PLAYBOOKS_CURSOR = new CursorCodec('playbooks', playbookKeys);

/** A page of the playbook list. */
export class ListPlaybooksQuery extends PageQuery {
  @CursorQuery(PLAYBOOKS_CURSOR)
  cursor?: CursorOf<typeof playbookKeys>;
}
