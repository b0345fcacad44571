import './instrumentation';
import { runService } from '@tsuzuku/platform-runtime';
import { playbooksService } from './service';

void runService(playbooksService);
