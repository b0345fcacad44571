import './instrumentation';
import { runService } from '@tsuzuku/platform-runtime';
import { ingestionService } from './service';

void runService(ingestionService);
