import { PIPELINE_CONSUMER_GROUPS } from '@tsuzuku/platform-testing';
import { PLAYBOOKS_SIGNALS_CONSUMER, PLAYBOOKS_SIGNALS_TOPICS } from './consumer-groups';

// The demo and the end-to-end test wait for lag zero on the groups they know of: this one too.
it('is among the consumer groups the demo waits on, with the topics it reads', () => {
  const watched = PIPELINE_CONSUMER_GROUPS.find((g) => g.groupId === PLAYBOOKS_SIGNALS_CONSUMER);
  expect(watched?.topics).toEqual([...PLAYBOOKS_SIGNALS_TOPICS]);
});
