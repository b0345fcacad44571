import { describeServiceBasics } from '@tsuzuku/platform-testing';
import { playbooksService } from '../src/service';
import { playbooksDatabase } from '../src/database/playbooks.database';

describeServiceBasics(playbooksService, playbooksDatabase);
