import './instrumentation';
import { runService } from '@tsuzuku/platform-runtime';
import { alertingService } from './service';

void runService(alertingService);
