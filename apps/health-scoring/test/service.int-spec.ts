import { describeServiceBasics } from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { healthScoringDatabase } from '../src/database/health-scoring.database';

describeServiceBasics(healthScoringService, healthScoringDatabase);
