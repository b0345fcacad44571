import { PIPELINE_CONSUMER_GROUPS } from '@tsuzuku/platform-testing';
import { READ_MODELS_GROUP, READ_MODEL_TOPICS } from './consumer-groups';

// The demo and the end-to-end test wait for lag zero on the groups they know of: this one too.
it('is among the consumer groups the demo waits on, with the topics it reads', () => {
  const watched = PIPELINE_CONSUMER_GROUPS.find((g) => g.groupId === READ_MODELS_GROUP);
  expect(watched?.topics).toEqual([...READ_MODEL_TOPICS]);
});
