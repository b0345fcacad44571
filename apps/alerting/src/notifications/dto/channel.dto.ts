import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CursorQuery, Page, PageDto, PageQuery } from '@tsuzuku/platform-runtime';
import { CHANNELS_CURSOR, DELIVERIES_CURSOR, PageCursor } from '../../shared/page-cursor';
import { ALERT_RULE_TYPES, ALERT_SEVERITIES, AlertRuleType, AlertSeverity } from '@tsuzuku/contracts';

export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class ChannelFiltersDto {
  @ApiPropertyOptional({
    enum: ALERT_SEVERITIES,
    nullable: true,
    description: 'only alerts at least this severe',
  })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  minSeverity?: AlertSeverity | null;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, isArray: true, description: 'only these severities' })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_SEVERITIES, { each: true })
  severities?: AlertSeverity[];

  @ApiPropertyOptional({
    enum: ALERT_RULE_TYPES,
    isArray: true,
    description:
      'only rules of these types (with ruleIds: a rule of one of these types or one of those ids); an alert of a rule that another channel names in ruleIds does not come through its type',
  })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_RULE_TYPES, { each: true })
  ruleTypes?: AlertRuleType[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'only these rules (alert-rule ids of this workspace)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  ruleIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['enterprise'],
    description:
      "only accounts of these segments (the account's segment when the alert was raised; case-insensitive)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  segments?: string[];

  @ApiPropertyOptional({ type: [String], description: 'only alerts owned by one of these emails' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsEmail({}, { each: true })
  owners?: string[];
}

/** A notification channel as created or replaced. */
export class ChannelInputDto {
  @ApiProperty({ example: 'CS team Slack', maxLength: 200 })
  @trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS)
  kind!: ChannelKind;

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/tsuzuku',
    description:
      'webhook and slack: where the JSON body is POSTed; http(s) to a public address only (no loopback, private, link-local or metadata address)',
  })
  @ValidateIf((o: ChannelInputDto) => o.kind !== 'email')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['csm@example.com'], description: 'email: the recipients' })
  @ValidateIf((o: ChannelInputDto) => o.kind === 'email')
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsEmail({ require_tld: false }, { each: true })
  recipients?: string[];

  @ApiPropertyOptional({
    minLength: 16,
    description: 'webhook: the signing secret (generated when absent; shown only in the creation answer)',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;

  @ApiPropertyOptional({ type: ChannelFiltersDto, description: 'absent: every alert' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelFiltersDto)
  filters?: ChannelFiltersDto;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    default: 1440,
    minimum: 0,
    maximum: 43200,
    description: 'minutes the previous secret keeps signing beside the new one',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(43_200)
  previousValidForMinutes?: number;
}

export class ChannelDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: CHANNEL_KINDS })
  kind!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'user info, query values and (slack) the path are masked: they are credentials',
  })
  url!: string | null;
  @ApiProperty({ type: [String] })
  recipients!: string[];
  @ApiProperty({ type: ChannelFiltersDto })
  filters!: ChannelFiltersDto;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'last four characters of the signing secret' })
  secretHint!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the previous secret signs until',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CreatedChannelDto extends ChannelDto {
  @ApiPropertyOptional({ description: 'webhook: the signing secret, shown this once' })
  secret?: string;
}

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: 'pending' | 'delivered' | 'failed';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  alertId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  channelId?: string;

  @CursorQuery(DELIVERIES_CURSOR)
  cursor?: PageCursor;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  channelId!: string;
  @ApiProperty({ format: 'uuid' })
  alertId!: string;
  @ApiProperty({ enum: ['alert.raised', 'alert.updated', 'alert.resolved'] })
  eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  status!: string;
  @ApiProperty()
  attempts!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "why the last attempt failed, in Tsuzuku's words (never the receiver's answer)",
  })
  lastError!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'status code of the last failed answer' })
  lastStatusCode!: number | null;
  @ApiProperty({ format: 'date-time', description: 'pending: when the next attempt is due' })
  nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;
}

export const DeliveryPageDto = PageDto(DeliveryDto, 'DeliveryPageDto', 'newest first');
export type DeliveryPageDto = Page<DeliveryDto>;

/** A page of the channel list: oldest first. */
export class ListChannelsQuery extends PageQuery {
  @CursorQuery(CHANNELS_CURSOR)
  cursor?: PageCursor;
}

export const ChannelPageDto = PageDto(ChannelDto, 'ChannelPageDto');
