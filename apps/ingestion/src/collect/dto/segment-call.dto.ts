import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One Segment call (OpenAPI description; validation is the compiled contract in libs/contracts). */
export class SegmentCallDto {
  @ApiPropertyOptional({ enum: ['track', 'identify', 'group', 'page', 'screen', 'alias'] })
  type?: string;
  @ApiPropertyOptional({ description: 'deduplicated per workspace for the window; assigned when missing' })
  messageId?: string;
  @ApiPropertyOptional({ description: 'userId or anonymousId is required' })
  userId?: string;
  @ApiPropertyOptional()
  anonymousId?: string;
  @ApiPropertyOptional({ description: 'track: the event name, e.g. "Signed In"' })
  event?: string;
  @ApiPropertyOptional({ description: 'page and screen: the name' })
  name?: string;
  @ApiPropertyOptional({ description: 'group: the account id' })
  groupId?: string;
  @ApiPropertyOptional({ description: 'alias: the previous id' })
  previousId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  properties?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'group: account profile traits',
  })
  traits?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'context.groupId names the account',
  })
  context?: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'date-time' })
  timestamp?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  sentAt?: string;
  @ApiPropertyOptional({ description: 'alternative to HTTP Basic auth' })
  writeKey?: string;
}

export class SegmentBatchDto {
  @ApiProperty({ type: [SegmentCallDto] })
  batch!: SegmentCallDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'merged under each call' })
  context?: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'date-time' })
  sentAt?: string;
  @ApiPropertyOptional()
  writeKey?: string;
}

export class FieldProblemDto {
  @ApiProperty({ example: 'properties.score' })
  path!: string;
  @ApiProperty({ example: 'must be an integer from 0 to 10 for an nps survey' })
  message!: string;
}

export class RejectedCallDto {
  @ApiProperty()
  index!: number;
  @ApiProperty({ nullable: true, type: String })
  messageId!: string | null;
  @ApiProperty({ type: [FieldProblemDto] })
  errors!: FieldProblemDto[];
}

export class BatchAcceptedDto {
  @ApiProperty({ example: true })
  success!: boolean;
  @ApiProperty({
    description: 'calls stored, including repeats of a messageId (acknowledged, not stored again)',
  })
  accepted!: number;
  @ApiProperty()
  duplicates!: number;
  @ApiProperty({ type: [RejectedCallDto], description: 'invalid calls, also written to cs.events.dlq.v1' })
  rejected!: RejectedCallDto[];
}

export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;
  @ApiProperty({ example: 'invalid_event' })
  error!: string;
  @ApiProperty()
  message!: string;
  @ApiPropertyOptional({ type: [FieldProblemDto] })
  errors?: FieldProblemDto[];
}
