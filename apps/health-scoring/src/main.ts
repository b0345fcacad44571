import './instrumentation';
import { runService } from '@tsuzuku/platform-runtime';
import { healthScoringService } from './service';

void runService(healthScoringService);
