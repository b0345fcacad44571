import { Query } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { DECISIONS_CURSOR, seqPage } from '../shared/seq-cursor';
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
    const { items, nextCursor } = await seqPage(DECISIONS_CURSOR, query.limit ?? 50, query, (f) =>
      this.decisions.list(auth.workspaceId, f),
    );
    return { items: items.map(viewOf), nextCursor };
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
