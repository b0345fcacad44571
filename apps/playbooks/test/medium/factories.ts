import { AccountProfile } from '../../src/engine/account-profile.repository';
import { PlaybookDefinition, Step } from '../../src/playbooks/domain/playbook-definition';

/** Small builders of playbooks' data for medium tests; every field can be overridden. */

/** A profiled, paying account (MRR 500) in the adoption phase. */
export function accountProfile(
  workspaceId: string,
  accountId: string,
  profileAt: Date,
  o: Partial<AccountProfile> = {},
): AccountProfile {
  return {
    workspaceId,
    accountId,
    name: accountId,
    plan: 'pro',
    mrr: 500,
    subscriptionStatus: 'active',
    seats: 10,
    renewalDate: null,
    csmEmail: 'csm@example.com',
    segment: 'smb',
    touchModel: 'low',
    phase: 'adoption',
    band: 'yellow',
    score: 55,
    onboardingComplete: true,
    profileAt: profileAt.toISOString(),
    ...o,
  };
}

/** A playbook started by a usage_drop alert, for every account, with the given steps. */
export function alertPlaybook(
  steps: readonly Step[],
  o: Partial<PlaybookDefinition> = {},
): PlaybookDefinition {
  return {
    name: 'Usage dropped',
    description: null,
    enabled: true,
    trigger: { type: 'alert_raised', ruleType: 'usage_drop' },
    audience: {},
    steps,
    exit: [],
    holdoutPercent: 0,
    ...o,
  };
}
