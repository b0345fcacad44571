import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import {
  HEALTH_BANDS,
  HealthBand,
  LIFECYCLE_PHASES,
  LifecyclePhase,
  TOUCH_MODELS,
  TouchModel,
} from '@tsuzuku/contracts';
import { CursorQuery, ToInteger, ToList } from '@tsuzuku/platform-runtime';
import { ACCOUNT_SORTS, AccountSort } from '../domain/account-cursor';
import { ACCOUNT_CURSORS } from '../account-cursors';

export class ListAccountsQuery {
  @ApiPropertyOptional({ enum: HEALTH_BANDS, isArray: true, description: 'one or more, comma-separated' })
  @IsOptional()
  @ToList()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(HEALTH_BANDS, { each: true })
  band?: HealthBand[];

  @ApiPropertyOptional({ description: 'exact segment' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  segment?: string;

  @ApiPropertyOptional({ enum: TOUCH_MODELS, isArray: true, description: 'one or more, comma-separated' })
  @IsOptional()
  @ToList()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(TOUCH_MODELS, { each: true })
  touchModel?: TouchModel[];

  @ApiPropertyOptional({ enum: LIFECYCLE_PHASES, isArray: true, description: 'one or more, comma-separated' })
  @IsOptional()
  @ToList()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(LIFECYCLE_PHASES, { each: true })
  phase?: LifecyclePhase[];

  @ApiPropertyOptional({ description: "the CSM's email (case-insensitive)" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  owner?: string;

  @ApiPropertyOptional({ description: 'prefix of the name or the account id (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: ACCOUNT_SORTS,
    default: 'score',
    description:
      'score: lowest (riskiest) first; -score: highest first; name: A-Z. Unscored accounts come last.',
  })
  @IsOptional()
  @IsIn(ACCOUNT_SORTS)
  sort?: AccountSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @ToInteger()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  // A sort that is not one has its own problem; the cursor cannot be read without it.
  @CursorQuery(
    (query) =>
      ACCOUNT_CURSORS[
        ACCOUNT_SORTS.includes(query['sort'] as AccountSort) ? (query['sort'] as AccountSort) : 'score'
      ],
    'nextCursor of the previous page, with the same sort',
  )
  cursor?: { readonly key: string | null; readonly accountId: string };
}
