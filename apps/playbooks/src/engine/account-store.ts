import { EntityManager } from 'typeorm';
import type { HealthBand, LifecyclePhase, SubscriptionStatus, TouchModel } from '@tsuzuku/contracts';
import { AccountFacts } from '../playbooks/domain/conditions';
import { TemplateValues } from '../playbooks/domain/template-render';

/** The account snapshot the playbooks service keeps from cs.accounts.v1 and cs.events.v1. */
export interface AccountSnapshot extends AccountFacts {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly name: string | null;
  readonly plan: string | null;
  readonly mrr: number | null;
  /** As account.updated said it; null when its snapshot did not say (then the MRR decides churn). */
  readonly subscriptionStatus: SubscriptionStatus | null;
  readonly seats: number | null;
  readonly renewalDate: string | null;
  readonly csmEmail: string | null;
  /** The group trait contact_email (else email), else the latest identified member's email. */
  readonly contactEmail: string | null;
  /** Whether an account.updated was seen (else only events named it). */
  readonly profiled: boolean;
}

interface AccountRow {
  workspace_id: string;
  account_id: string;
  name: string | null;
  plan: string | null;
  mrr: string | null;
  subscription_status: SubscriptionStatus | null;
  seats: number | null;
  renewal_date: string | null;
  csm_email: string | null;
  segment: string | null;
  touch_model: string | null;
  phase: string | null;
  band: string | null;
  score: string | null;
  onboarding_complete: boolean;
  contact_email: string | null;
  profile_at: Date | null;
}

export const accountKey = (workspaceId: string, accountId: string) => `${workspaceId}\u0000${accountId}`;

/** The snapshots of these accounts (with their contact and events seen), by accountKey. */
export async function loadAccounts(
  m: EntityManager,
  keys: readonly { workspaceId: string; accountId: string }[],
): Promise<Map<string, AccountSnapshot>> {
  const out = new Map<string, AccountSnapshot>();
  if (keys.length === 0) return out;
  const ws = keys.map((k) => k.workspaceId);
  const ids = keys.map((k) => k.accountId);
  const rows: AccountRow[] = await m.query(
    `SELECT a.*, coalesce(a.group_contact_email, (
         SELECT mb.email FROM playbooks.members mb
         WHERE mb.workspace_id = a.workspace_id AND mb.account_id = a.account_id AND mb.email IS NOT NULL
         ORDER BY mb.email_at DESC LIMIT 1)) AS contact_email
     FROM playbooks.accounts a JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)`,
    [ws, ids],
  );
  const events: { workspace_id: string; account_id: string; name: string; last_at: Date }[] = await m.query(
    `SELECT e.workspace_id, e.account_id, e.name, e.last_at FROM playbooks.account_events e
     JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)`,
    [ws, ids],
  );
  const seen = new Map<string, Map<string, string>>();
  for (const e of events) {
    const key = accountKey(e.workspace_id, e.account_id);
    const names = seen.get(key) ?? new Map<string, string>();
    names.set(e.name, e.last_at.toISOString());
    seen.set(key, names);
  }
  for (const r of rows) {
    const key = accountKey(r.workspace_id, r.account_id);
    out.set(key, {
      workspaceId: r.workspace_id,
      accountId: r.account_id,
      name: r.name,
      plan: r.plan,
      mrr: r.mrr === null ? null : Number(r.mrr),
      subscriptionStatus: r.subscription_status,
      seats: r.seats,
      renewalDate: r.renewal_date,
      csmEmail: r.csm_email,
      segment: r.segment,
      touchModel: r.touch_model as TouchModel | null,
      phase: r.phase as LifecyclePhase | null,
      band: r.band as HealthBand | null,
      score: r.score === null ? null : Number(r.score),
      onboardingComplete: r.onboarding_complete,
      contactEmail: r.contact_email,
      profiled: r.profile_at !== null,
      eventsSeen: seen.get(key) ?? new Map(),
    });
  }
  return out;
}

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
