import { describeServiceBasics } from '@tsuzuku/platform-testing';
import { ingestionService } from '../src/service';
import { ingestionDatabase } from '../src/database/ingestion.database';

describeServiceBasics(ingestionService, ingestionDatabase);
