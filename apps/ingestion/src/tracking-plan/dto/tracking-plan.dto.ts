import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CS_EVENTS } from '@tsuzuku/contracts';
import { CursorQuery, PageDto, PageQuery } from '@tsuzuku/platform-runtime';
import { MAX_MAPPINGS } from '../domain/tracking-plan';
import { UNMATCHED_CURSOR } from '../tracking-plan.service';

export class EventMappingDto {
  @ApiProperty({ description: 'the event name your product sends', example: 'User Logged In' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    enum: CS_EVENTS,
    description: 'the CS event it stands for; leave out when name already is one',
    example: 'Signed In',
  })
  @IsOptional()
  @IsIn(CS_EVENTS)
  mapsTo?: string;

  @ApiPropertyOptional({
    description: "per property, your value → Tsuzuku's value",
    example: { priority: { urgent: 'p1', high: 'p2', normal: 'p3', low: 'p4' } },
  })
  @IsOptional()
  @IsObject()
  properties?: Record<string, Record<string, string>>;
}

export class PutTrackingPlanDto {
  @ApiProperty({ type: [EventMappingDto] })
  @IsArray()
  @ArrayMaxSize(MAX_MAPPINGS)
  @ValidateNested({ each: true })
  @Type(() => EventMappingDto)
  events!: EventMappingDto[];
}

export class TrackingPlanDto extends PutTrackingPlanDto {
  @ApiProperty({ type: String, nullable: true, description: 'when the plan was last set; null: never' })
  updatedAt!: string | null;
}

export class UnmatchedQueryDto extends PageQuery {
  @CursorQuery(UNMATCHED_CURSOR)
  cursor?: { readonly count: string; readonly name: string };
}

export class UnmatchedEventDto {
  @ApiProperty() name!: string;
  @ApiProperty({
    enum: ['unknown', 'mapped', 'cs_event'],
    description:
      'unknown: no CS event and not in the tracking plan (it may still be a key feature of health-scoring); mapped: the plan maps it now (later calls are no longer counted)',
  })
  status!: string;
  @ApiProperty() count!: number;
  @ApiProperty() firstSeenAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty({ description: "one recent call's properties (at most 2 KB, else their keys)" })
  sample!: Record<string, unknown>;
}

export const UnmatchedPageDto = PageDto(UnmatchedEventDto, 'UnmatchedPageDto');
