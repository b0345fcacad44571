import { describeInputBoundaryFuzz } from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';

describeInputBoundaryFuzz(healthScoringService);
