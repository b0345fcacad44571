import { describeServiceBasics } from '@tsuzuku/platform-testing';
import { reportingService } from '../src/service';
import { reportingDatabase } from '../src/database/reporting.database';

describeServiceBasics(reportingService, reportingDatabase);
