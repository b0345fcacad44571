import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MAX_AMOUNT, MAX_COUNT, MAX_ID_LENGTH } from './segment-call.schema';

/**
 * The contracts as class-validator classes: the declared, documented form, used on cold paths
 * (and checked against the compiled JSON Schemas in tests). The ingestion hot path uses the
 * compiled schemas of segment-call.schema.ts.
 */
abstract class SegmentCallBase {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) messageId?: string;
  // One of the two is required.
  @ValidateIf((o: SegmentCallBase) => o.anonymousId === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  userId?: string;
  @ValidateIf((o: SegmentCallBase) => o.userId === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  anonymousId?: string;
  @IsOptional() @IsObject() properties?: Record<string, unknown>;
  @IsOptional() @IsObject() traits?: Record<string, unknown>;
  @IsOptional() @IsObject() context?: Record<string, unknown>;
  @IsOptional() @IsObject() integrations?: Record<string, unknown>;
  @IsOptional() @IsISO8601({ strict: true }) timestamp?: string;
  @IsOptional() @IsISO8601({ strict: true }) sentAt?: string;
}

export class TrackCall extends SegmentCallBase {
  @IsString() @MinLength(1) @MaxLength(200) event!: string;
}
export class IdentifyCall extends SegmentCallBase {}
export class GroupCall extends SegmentCallBase {
  @IsString() @MinLength(1) @MaxLength(200) groupId!: string;
}
export class PageCall extends SegmentCallBase {
  @IsOptional() @IsString() name?: string;
}
export class ScreenCall extends PageCall {}
export class AliasCall extends SegmentCallBase {
  @IsString() @MinLength(1) @MaxLength(200) previousId!: string;
}

export const CALL_CLASSES = {
  track: TrackCall,
  identify: IdentifyCall,
  group: GroupCall,
  page: PageCall,
  screen: ScreenCall,
  alias: AliasCall,
} as const;

export class NpsSurveyResponse {
  @IsIn(['nps']) survey!: 'nps';
  @IsInt() @Min(0) @Max(10) score!: number;
  @IsOptional() @IsString() comment?: string;
}

export class CsatSurveyResponse {
  @IsIn(['csat']) survey!: 'csat';
  @IsInt() @Min(1) @Max(5) score!: number;
  @IsOptional() @IsString() comment?: string;
}

export class SubscriptionEvent {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_AMOUNT) mrr!: number;
  @Matches(/^[A-Za-z]{3}$/) currency!: string;
  @IsString() @MinLength(1) @MaxLength(MAX_ID_LENGTH) subscription_id!: string;
  @IsOptional() @IsString() @MaxLength(MAX_ID_LENGTH) plan?: string;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) seats?: number;
}

export class OnboardingStepCompleted {
  @IsString() @MinLength(1) @MaxLength(MAX_ID_LENGTH) step!: string;
}

export class TicketEvent {
  @IsString() @MinLength(1) @MaxLength(MAX_ID_LENGTH) ticket_id!: string;
  @IsOptional() @Matches(/^[Pp][1-4]$/) priority?: string;
}

export class OutcomeReported {
  @IsString() @MinLength(1) @MaxLength(MAX_ID_LENGTH) metric!: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) value!: number;
}

export class AccountTraits {
  @IsOptional() @IsString() @MaxLength(MAX_ID_LENGTH) name?: string;
  @IsOptional() @IsString() @MaxLength(MAX_ID_LENGTH) plan?: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_AMOUNT) mrr?: number;
  @IsOptional() @IsInt() @Min(0) @Max(MAX_COUNT) seats?: number;
  @IsOptional() @IsISO8601() @Matches(/^(19|2[0-9])[0-9][0-9]-/) renewal_date?: string;
  @IsOptional() @IsEmail() @MaxLength(254) csm_email?: string;
  @IsOptional() @IsString() @MaxLength(MAX_ID_LENGTH) segment?: string;
  @IsOptional() @IsString() @MaxLength(MAX_ID_LENGTH) industry?: string;
  @IsOptional() @IsIn(['high', 'low', 'tech']) touch_model?: string;
  @IsOptional() @IsIn(['onboarding', 'adoption', 'expansion', 'renewal']) phase?: string;
}
