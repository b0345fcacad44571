import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreateReportingSchema1763870400000 } from './migrations/1763870400000-create-reporting-schema';
import { ReportingReadModels1764000000000 } from './migrations/1764000000000-reporting-read-models';
import { ReportingAttributeVersions1765000000000 } from './migrations/1765000000000-reporting-attribute-versions';
import { BackgroundLeases1765200000000 } from './migrations/1765200000000-background-leases';
import { ReportingPlanSlice1766021310000 } from './migrations/1766021310000-reporting-plan-slice';
import { ReportingCaseInsensitiveSlices1767400000000 } from './migrations/1767400000000-reporting-case-insensitive-slices';
import { ReportingRenewalForecast1767720000000 } from './migrations/1767720000000-reporting-renewal-forecast';
import { ReportingKpiTotals1767730000000 } from './migrations/1767730000000-reporting-kpi-totals';

/** The reporting service owns the `reporting` schema and nothing else. */
export const reportingDatabase: ServiceDatabase = {
  schema: 'reporting',
  entities: [],
  migrations: [
    CreateReportingSchema1763870400000,
    ReportingReadModels1764000000000,
    ReportingAttributeVersions1765000000000,
    BackgroundLeases1765200000000,
    ReportingPlanSlice1766021310000,
    ReportingCaseInsensitiveSlices1767400000000,
    ReportingRenewalForecast1767720000000,
    ReportingKpiTotals1767730000000,
  ],
};
