import { Query } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { DECISIONS_CURSOR } from '../shared/seq-cursor';
import {
  ListTriggerDecisionsQuery,
  TriggerDecisionDto,
  TriggerDecisionPageDto,
} from './dto/trigger-decisions.dto';
import { DecisionRow, TriggerDecisionRepository } from './trigger-decision.repository';

/** What became of every playbook trigger of the calling token's workspace, newest first. */
@ApiController('trigger-decisions', 'v1/trigger-decisions')
export class TriggerDecisionsController {
  constructor(private readonly decisions: TriggerDecisionRepository) {}

  @ApiRead(
    'Why each trigger started a run or not, by account, playbook and outcome (cursor pagination)',
    TriggerDecisionPageDto,
  )
  async list(
    @Auth() auth: AuthContext,
    @Query() query: ListTriggerDecisionsQuery,
  ): Promise<{ items: TriggerDecisionDto[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const rows = await this.decisions.list(auth.workspaceId, {
      accountId: query.accountId,
      playbookId: query.playbookId,
      outcome: query.outcome,
      beforeSeq: query.cursor?.seq,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(viewOf),
      nextCursor: rows.length > limit ? DECISIONS_CURSOR.encode({ seq: page[page.length - 1]!.seq }) : null,
    };
  }
}

function viewOf(r: DecisionRow): TriggerDecisionDto {
  return {
    accountId: r.account_id,
    playbookId: r.playbook_id,
    playbookName: r.playbook_name,
    triggerType: r.trigger_type,
    triggerRef: r.trigger_ref,
    triggerKey: r.trigger_key,
    outcome: r.outcome,
    detail: r.detail,
    runId: r.run_id,
    triggeredAt: r.triggered_at.toISOString(),
    decidedAt: r.decided_at.toISOString(),
  };
}
