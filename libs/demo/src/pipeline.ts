import { Topic } from '@tsuzuku/contracts';
import { ConsumerGroupWatch } from './demo-flow';

/**
 * The consumer groups of the five services and the topics each reads: the demo and the
 * end-to-end test wait until all of them have caught up. tests/e2e/demo.int-spec.ts checks these
 * ids against the constants the services export.
 */
export const PIPELINE_CONSUMER_GROUPS: readonly ConsumerGroupWatch[] = [
  { groupId: 'health-scoring.scoring', topics: [Topic.Events] },
  { groupId: 'alerting.accounts', topics: [Topic.Accounts, Topic.Health, Topic.Workspaces] },
  { groupId: 'playbooks.signals', topics: [Topic.Alerts, Topic.Accounts, Topic.Events, Topic.Workspaces] },
  {
    groupId: 'reporting.read-models',
    topics: [Topic.Events, Topic.Accounts, Topic.Health, Topic.Alerts, Topic.Playbooks],
  },
];
