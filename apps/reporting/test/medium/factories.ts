import { randomUUID } from 'node:crypto';
import { CustomerEventData } from '@tsuzuku/contracts';
import { Clock } from '@tsuzuku/platform-runtime';
import { TestCustomerEvent, testCustomerEvent } from '@tsuzuku/platform-testing';
import { DataSource } from 'typeorm';
import { AccountOutlookRepository } from '../../src/read-models/account-outlook.repository';
import { ActivityRecorder } from '../../src/read-models/activity.recorder';
import { ActivityRepository } from '../../src/read-models/activity.repository';
import { AlertsRepository } from '../../src/read-models/alerts.repository';
import { AttributesRepository } from '../../src/read-models/attributes.repository';
import { BandChangesRepository } from '../../src/read-models/band-changes.repository';
import { MrrDeriver } from '../../src/read-models/mrr.deriver';
import { MrrRepository } from '../../src/read-models/mrr.repository';
import { PlaybookRunsRepository } from '../../src/read-models/playbook-runs.repository';
import { ReadModelWriter } from '../../src/read-models/read-model.writer';
import { SurveysRepository } from '../../src/read-models/surveys.repository';
import { KpiRepository } from '../../src/reports/kpi.repository';
import { KpiService } from '../../src/reports/kpi.service';
import { MovementsRepository } from '../../src/reports/movements.repository';
import { SliceValuesRepository } from '../../src/reports/slice-values.repository';
import { CurrencySettingsRepository } from '../../src/settings/currency-settings.repository';
import { CurrencySettingsStore } from '../../src/settings/currency-settings.store';

/** A workspace of its own for each test. */
export const newWorkspace = (): string => `ws_${randomUUID().slice(0, 8)}`;

export type SubscriptionCall = 'Started' | 'Changed' | 'Renewed' | 'Cancelled';

/** A subscription call of an account (mrr in currency units; a cancellation carries none). */
export const subscription = (
  workspaceId: string,
  accountId: string,
  call: SubscriptionCall,
  at: string,
  mrr: number | null,
  subscriptionId = `sub_${accountId}`,
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, accountId, at, {
    event: `Subscription ${call}`,
    properties: { subscription_id: subscriptionId, ...(mrr === null ? {} : { mrr }) },
  });

/** A group call putting the account in a segment (the traits of a Segment group call). */
export const segmentCall = (
  workspaceId: string,
  accountId: string,
  at: string,
  segment: string,
  traits: CustomerEventData['traits'] = {},
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, accountId, at, {
    call: 'group',
    event: undefined,
    groupId: accountId,
    traits: { segment, ...traits },
  });

/** A sign-in of a user of the account. */
export const signIn = (
  workspaceId: string,
  accountId: string,
  at: string,
  userId = 'u1',
): TestCustomerEvent => testCustomerEvent(workspaceId, accountId, at, { event: 'Signed In', userId });

/** The read-model writer with its real repositories on `ds` (what the consumers run). */
export function readModelWriter(ds: DataSource): ReadModelWriter {
  const settings = new CurrencySettingsStore(ds, new CurrencySettingsRepository());
  const mrr = new MrrRepository(ds);
  const attributes = new AttributesRepository();
  return new ReadModelWriter(
    ds,
    new MrrDeriver(settings, mrr, attributes),
    new ActivityRecorder(new ActivityRepository()),
    attributes,
    new BandChangesRepository(ds),
    new AlertsRepository(ds),
    new PlaybookRunsRepository(ds),
    new SurveysRepository(),
    mrr,
    new AccountOutlookRepository(),
  );
}

/** The KPI service with its real repositories on `ds`, its time from `clock`. */
export function kpiService(ds: DataSource, clock: Clock): KpiService {
  return new KpiService(
    new KpiRepository(ds),
    new MovementsRepository(ds),
    new CurrencySettingsStore(ds, new CurrencySettingsRepository()),
    clock,
    new SliceValuesRepository(ds),
  );
}
