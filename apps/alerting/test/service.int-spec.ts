import { describeServiceBasics } from '@tsuzuku/platform-testing';
import { alertingService } from '../src/service';
import { alertingDatabase } from '../src/database/alerting.database';

describeServiceBasics(alertingService, alertingDatabase);
