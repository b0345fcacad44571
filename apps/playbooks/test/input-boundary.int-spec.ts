import { describeInputBoundaryFuzz } from '@tsuzuku/platform-testing';
import { playbooksService } from '../src/service';

describeInputBoundaryFuzz(playbooksService);
