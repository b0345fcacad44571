import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import {
  HEALTH_BANDS,
  HealthBand,
  LIFECYCLE_PHASES,
  LifecyclePhase,
  TOUCH_MODELS,
  TouchModel,
} from '@tsuzuku/contracts';
import { CursorQuery, EnumListFilter, PageQuery, TextFilter, ToDecimal } from '@tsuzuku/platform-runtime';
import { ACCOUNT_SORTS, AccountSort } from '../domain/account-cursor';
import { ACCOUNT_CURSORS } from '../account-cursors';

export class ListAccountsQuery extends PageQuery {
  @EnumListFilter(HEALTH_BANDS)
  band?: HealthBand[];

  @TextFilter(200, 'exact segment')
  segment?: string;

  @EnumListFilter(TOUCH_MODELS)
  touchModel?: TouchModel[];

  @EnumListFilter(LIFECYCLE_PHASES)
  phase?: LifecyclePhase[];

  @TextFilter(320, "the CSM's email (case-insensitive)")
  owner?: string;

  @TextFilter(200, 'prefix of the name or the account id (case-insensitive)')
  q?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    example: 0.5,
    description:
      "only accounts whose churn model's probability is at least this (accounts without one are left out)",
  })
  @IsOptional()
  @ToDecimal()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minChurnRisk?: number;

  @ApiPropertyOptional({
    enum: ACCOUNT_SORTS,
    default: 'score',
    description:
      'score: lowest (riskiest) first; -score: highest first; name: A-Z; -churnRisk: highest churn probability first. Accounts without the key (unscored, unpredicted) come last.',
  })
  @IsOptional()
  @IsIn(ACCOUNT_SORTS)
  sort?: AccountSort;

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
