import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreateAlertingSchema1763870400000 } from './migrations/1763870400000-create-alerting-schema';
import { AlertingModel1764000000000 } from './migrations/1764000000000-alerting-model';
import { DeliveryStatusCode1764806400000 } from './migrations/1764806400000-delivery-status-code';
import { BackgroundLeases1765200000000 } from './migrations/1765200000000-background-leases';
import { WorkspaceFallbackOwner1767200000100 } from './migrations/1767200000100-workspace-fallback-owner';
import { RuleGraceDays1767300000000 } from './migrations/1767300000000-rule-grace-days';

/** The alerting service owns the `alerting` schema and nothing else. */
export const alertingDatabase: ServiceDatabase = {
  schema: 'alerting',
  entities: [],
  migrations: [
    CreateAlertingSchema1763870400000,
    AlertingModel1764000000000,
    DeliveryStatusCode1764806400000,
    BackgroundLeases1765200000000,
    WorkspaceFallbackOwner1767200000100,
    RuleGraceDays1767300000000,
  ],
  outbox: true,
};
