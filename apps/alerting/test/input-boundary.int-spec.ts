import { describeInputBoundaryFuzz } from '@tsuzuku/platform-testing';
import { alertingService } from '../src/service';

describeInputBoundaryFuzz(alertingService);
