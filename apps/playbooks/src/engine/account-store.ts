import type { SubscriptionStatus } from '@tsuzuku/contracts';
import { AccountFacts } from '../playbooks/domain/conditions';
import { TemplateValues } from '../playbooks/domain/template-render';

/** An account's key and the contract fields account.updated brings, as the playbooks service keeps them. */
export interface AccountContract {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly name: string | null;
  readonly plan: string | null;
  readonly mrr: number | null;
  /** As account.updated said it; null when it did not say (then the MRR decides churn). */
  readonly subscriptionStatus: SubscriptionStatus | null;
  readonly seats: number | null;
  readonly renewalDate: string | null;
  readonly csmEmail: string | null;
}

/** The account snapshot the playbooks service keeps from cs.accounts.v1 and cs.events.v1. */
export interface AccountSnapshot extends AccountFacts, AccountContract {
  /** The group trait contact_email (else email), else the latest identified member's email. */
  readonly contactEmail: string | null;
  /** Whether an account.updated was seen (else only events named it). */
  readonly profiled: boolean;
}

export const accountKey = (workspaceId: string, accountId: string) => `${workspaceId}\u0000${accountId}`;

/** An account nothing is known about yet: it matches only open audiences. */
export function unknownAccount(workspaceId: string, accountId: string): AccountSnapshot {
  return {
    workspaceId,
    accountId,
    name: null,
    plan: null,
    mrr: null,
    subscriptionStatus: null,
    seats: null,
    renewalDate: null,
    csmEmail: null,
    contactEmail: null,
    segment: null,
    touchModel: null,
    phase: null,
    band: null,
    score: null,
    onboardingComplete: false,
    profiled: false,
    eventsSeen: new Map(),
  };
}

/** The values templates may name. */
export function templateValues(
  account: AccountSnapshot,
  playbookName: string,
  runId: string,
): TemplateValues {
  return {
    'account.id': account.accountId,
    'account.name': account.name ?? account.accountId,
    'account.plan': account.plan,
    'account.mrr': account.mrr,
    'account.seats': account.seats,
    'account.renewalDate': account.renewalDate,
    'account.csmEmail': account.csmEmail,
    'account.segment': account.segment,
    'account.phase': account.phase,
    'account.touchModel': account.touchModel,
    'account.band': account.band,
    'account.score': account.score,
    'contact.email': account.contactEmail,
    'playbook.name': playbookName,
    'run.id': runId,
  };
}
