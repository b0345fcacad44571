import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { TOUCH_MODELS, TouchModel } from '@tsuzuku/contracts';
import {
  ApiWarningDto,
  CursorCodec,
  CursorOf,
  CursorQuery,
  PageDto,
  PageQuery,
  cursorField,
} from '@tsuzuku/platform-runtime';
import { CATEGORIES, Category, Direction, METRICS, Metric } from '../domain/scorecard';
import { DIRECTIONS, SCORING_METHOD_KINDS } from '../domain/scorecard-validation';

// Shapes and types only: the rules between values (ordered ranges, points 0-100, bands) are
// checked by validateScorecard, so that they hold for every caller and are written once.

const finite = { allowNaN: false, allowInfinity: false } as const;

export class RangeDto {
  @ApiPropertyOptional({ description: 'inclusive lower bound; absent: open below (first range only)' })
  @IsOptional()
  @IsNumber(finite)
  from?: number;

  @ApiPropertyOptional({ description: 'exclusive upper bound; absent: open above (last range only)' })
  @IsOptional()
  @IsNumber(finite)
  to?: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: 'points a value in this range earns' })
  @IsNumber(finite)
  points!: number;
}

/** A method whose `kind` is missing or unknown: refused, naming the kinds there are. */
export class UnknownMethodDto {
  @IsIn(SCORING_METHOD_KINDS)
  kind!: string;
}

export class RangesMethodDto {
  @ApiProperty({ enum: ['ranges'] })
  @IsIn(['ranges'])
  kind!: 'ranges';

  @ApiProperty({
    type: [RangeDto],
    description: 'ascending, not overlapping; the points are in the measure direction',
  })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RangeDto)
  ranges!: RangeDto[];
}

export class TrendMethodDto {
  @ApiProperty({ enum: ['trend'] })
  @IsIn(['trend'])
  kind!: 'trend';

  @ApiProperty({ minimum: 1, maximum: 365, description: 'compare with the value this many days ago' })
  @IsNumber(finite)
  days!: number;

  @ApiProperty({
    exclusiveMinimum: true,
    minimum: 0,
    example: 0.5,
    description: 'relative change scoring 100 (or 0)',
  })
  @IsNumber(finite)
  fullAt!: number;
}

export class PercentileMethodDto {
  @ApiProperty({ enum: ['percentile'] })
  @IsIn(['percentile'])
  kind!: 'percentile';
}

export class BooleanMethodDto {
  @ApiProperty({ enum: ['boolean'] })
  @IsIn(['boolean'])
  kind!: 'boolean';

  @ApiProperty({ description: '100 points when reached (or not exceeded, for lower_is_better), else 0' })
  @IsNumber(finite)
  threshold!: number;
}

export type AnyScoringMethodDto = RangesMethodDto | TrendMethodDto | PercentileMethodDto | BooleanMethodDto;

@ApiExtraModels(RangesMethodDto, TrendMethodDto, PercentileMethodDto, BooleanMethodDto)
export class MeasureDto {
  @ApiProperty({ example: 'sign_ins_30d', description: 'unique within the scorecard' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    message: 'id must be 1-64 letters, digits, dots, dashes or underscores',
  })
  id!: string;

  @ApiProperty({ example: 'Sign-ins in the last 30 days' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  label!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiProperty({ enum: METRICS })
  @IsIn(METRICS)
  metric!: Metric;

  @ApiProperty({
    oneOf: [
      { $ref: getSchemaPath(RangesMethodDto) },
      { $ref: getSchemaPath(TrendMethodDto) },
      { $ref: getSchemaPath(PercentileMethodDto) },
      { $ref: getSchemaPath(BooleanMethodDto) },
    ],
    discriminator: { propertyName: 'kind' },
  })
  @IsObject()
  @ValidateNested()
  // `kind` picks the class that validates the rest; any other kind falls back to UnknownMethodDto.
  @Type(() => UnknownMethodDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [
        { name: 'ranges', value: RangesMethodDto },
        { name: 'trend', value: TrendMethodDto },
        { name: 'percentile', value: PercentileMethodDto },
        { name: 'boolean', value: BooleanMethodDto },
      ],
    },
  })
  method!: AnyScoringMethodDto;

  @ApiProperty({ enum: DIRECTIONS })
  @IsIn(DIRECTIONS)
  direction!: Direction;

  @ApiProperty({ exclusiveMinimum: true, minimum: 0, example: 10, description: 'relative weight' })
  @IsNumber(finite)
  weight!: number;
}

export class BandsDto {
  @ApiProperty({ example: 40, description: 'scores below this are red' })
  @IsNumber(finite)
  red!: number;

  @ApiProperty({ example: 70, description: 'scores below this (and not red) are yellow; the rest green' })
  @IsNumber(finite)
  yellow!: number;
}

class ScorecardBodyDto {
  @ApiProperty({ example: 'Enterprise, high touch' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'enterprise',
    description: "scores the accounts of this segment (the account's segment trait)",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  segment?: string | null;

  @ApiPropertyOptional({
    enum: TOUCH_MODELS,
    nullable: true,
    description: 'scores the accounts of this touch model',
  })
  @IsOptional()
  @IsIn(TOUCH_MODELS)
  touchModel?: TouchModel | null;

  @ApiPropertyOptional({ type: BandsDto, description: 'default: red below 40, yellow below 70' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BandsDto)
  bands?: BandsDto;
}

/** A new scorecard for an audience: a segment, a touch model, or both; or a draft. */
export class CreateScorecardDto extends ScorecardBodyDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'a draft scores no account until POST /v1/scorecards/{id}/publish; it can be backtested (compareWith) and may have no audience',
  })
  @IsOptional()
  @IsBoolean()
  draft?: boolean;

  @ApiPropertyOptional({ type: [MeasureDto], description: "default: the DEAR scorecard's measures" })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MeasureDto)
  measures?: MeasureDto[];
}

/** A whole scorecard, replacing the stored one. The default scorecard has no segment or touch model. */
export class ReplaceScorecardDto extends ScorecardBodyDto {
  @ApiProperty({ type: [MeasureDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MeasureDto)
  measures!: MeasureDto[];
}

/** Some of a scorecard's name, measures and bands; what is absent stays. */
export class PatchScorecardDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [MeasureDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MeasureDto)
  measures?: MeasureDto[];

  @ApiPropertyOptional({ type: BandsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BandsDto)
  bands?: BandsDto;
}

export class ScorecardDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  workspaceId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ description: 'scores every account no other scorecard claims; cannot be deleted' })
  isDefault!: boolean;
  @ApiProperty({ description: 'a draft scores no account until published' })
  draft!: boolean;
  @ApiProperty({ type: String, nullable: true })
  segment!: string | null;
  @ApiProperty({ enum: TOUCH_MODELS, nullable: true })
  touchModel!: TouchModel | null;
  @ApiProperty({ type: [MeasureDto] })
  measures!: MeasureDto[];
  @ApiProperty({ type: BandsDto })
  bands!: BandsDto;
  @ApiProperty({ description: 'starts at 1, +1 on every change' })
  version!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ChangedScorecardDto extends ScorecardDto {
  @ApiProperty({ description: 'accounts of the workspace rescored after the change' })
  rescored!: number;
  @ApiProperty({
    type: [ApiWarningDto],
    description: 'e.g. matches_no_account: no account of the workspace has the segment (yet)',
  })
  warnings!: ApiWarningDto[];
}

const scorecardKeys = { rank: cursorField.int8(), at: cursorField.instant(), id: cursorField.uuid() };

/** The cursors of the scorecard list (default first, then created_at, id). */
export const SCORECARDS_CURSOR = new CursorCodec('scorecards', scorecardKeys);

/** A page of the scorecard list. */
export class ListScorecardsQuery extends PageQuery {
  @CursorQuery(SCORECARDS_CURSOR)
  cursor?: CursorOf<typeof scorecardKeys>;
}

export const ScorecardPageDto = PageDto(ScorecardDto, 'ScorecardPageDto');

export class FieldProblemDto {
  @ApiProperty({ example: 'measures[2].method.ranges[0].points' })
  path!: string;
  @ApiProperty({ example: 'must be a number from 0 to 100' })
  message!: string;
}

export class InvalidRequestDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;
  @ApiProperty({ example: 'invalid_scorecard' })
  error!: string;
  @ApiProperty()
  message!: string;
  @ApiProperty({ type: [FieldProblemDto] })
  errors!: FieldProblemDto[];
}
