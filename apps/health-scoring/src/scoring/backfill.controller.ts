import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { BackfillStatusDto } from './dto/backfill-status.dto';
import { BackfillService } from './backfill.service';
import { ApiRead } from '@tsuzuku/platform-runtime';

/** Whether the history a workspace imported has been rebuilt and its present announced. */
@ApiTags('backfill')
@Controller('v1/backfill')
export class BackfillController {
  constructor(
    private readonly backfill: BackfillService,
    private readonly config: HealthScoringConfig,
  ) {}

  @ApiRead('How many accounts still wait for their present state after an import', BackfillStatusDto)
  async status(@Auth() auth: AuthContext): Promise<BackfillStatusDto> {
    return {
      pendingAccounts: await this.backfill.pending(auth.workspaceId),
      horizonHours: this.config.BACKFILL_HORIZON_HOURS,
      settleMs: this.config.BACKFILL_SETTLE_MS,
    };
  }
}
