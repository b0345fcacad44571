import { Topic } from '@tsuzuku/contracts';
import { PIPELINE_CONSUMER_GROUPS } from '@tsuzuku/platform-testing';
import { SCORING_CONSUMER } from './scoring.messaging';

// The demo and the end-to-end test wait for lag zero on the groups they know of: this one too.
it('is among the consumer groups the demo waits on, with the topic it reads', () => {
  const watched = PIPELINE_CONSUMER_GROUPS.find((g) => g.groupId === SCORING_CONSUMER);
  expect(watched?.topics).toEqual([Topic.Events]);
});
