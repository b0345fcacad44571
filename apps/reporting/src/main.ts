import './instrumentation';
import { runService } from '@tsuzuku/platform-runtime';
import { reportingService } from './service';

void runService(reportingService);
