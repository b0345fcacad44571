import { Topic } from '../topics';
import { CustomerEventData, customerEventJsonSchema } from './customer-event/value';
import {
  AccountHealthChangedData,
  AccountUpdatedData,
  accountHealthChangedJsonSchema,
  accountUpdatedJsonSchema,
} from './account/value';
import { AlertEventData, alertEventJsonSchema } from './alert/value';
import {
  PlaybookRunFinishedData,
  PlaybookRunStartedData,
  PlaybookStepExecutedData,
  TaskEventData,
  playbookRunFinishedJsonSchema,
  playbookRunStartedJsonSchema,
  playbookStepExecutedJsonSchema,
  taskEventJsonSchema,
} from './playbook/value';
import { WorkspaceSettingsData, workspaceSettingsJsonSchema } from './workspace/value';

/**
 * Every event type, by name, with its data and its topic. A handler typed by a name gets its
 * payload type from here, and both producer and consumer validate against the same schema.
 */
export interface EventRegistry {
  'customer.event.recorded': CustomerEventData;
  'account.health.changed': AccountHealthChangedData;
  'account.updated': AccountUpdatedData;
  'alert.raised': AlertEventData;
  'alert.updated': AlertEventData;
  'alert.resolved': AlertEventData;
  'playbook.run.started': PlaybookRunStartedData;
  'playbook.step.executed': PlaybookStepExecutedData;
  'playbook.run.finished': PlaybookRunFinishedData;
  'task.created': TaskEventData;
  'task.updated': TaskEventData;
  'task.completed': TaskEventData;
  'workspace.settings.updated': WorkspaceSettingsData;
}

export type EventType = keyof EventRegistry;

export interface EventTypeDeclaration {
  readonly topic: Topic;
  readonly dataSchema: object;
}

export const EVENT_TYPES: { readonly [K in EventType]: EventTypeDeclaration } = {
  'customer.event.recorded': { topic: Topic.Events, dataSchema: customerEventJsonSchema },
  'account.health.changed': { topic: Topic.Health, dataSchema: accountHealthChangedJsonSchema },
  'account.updated': { topic: Topic.Accounts, dataSchema: accountUpdatedJsonSchema },
  'alert.raised': { topic: Topic.Alerts, dataSchema: alertEventJsonSchema },
  'alert.updated': { topic: Topic.Alerts, dataSchema: alertEventJsonSchema },
  'alert.resolved': { topic: Topic.Alerts, dataSchema: alertEventJsonSchema },
  'playbook.run.started': { topic: Topic.Playbooks, dataSchema: playbookRunStartedJsonSchema },
  'playbook.step.executed': { topic: Topic.Playbooks, dataSchema: playbookStepExecutedJsonSchema },
  'playbook.run.finished': { topic: Topic.Playbooks, dataSchema: playbookRunFinishedJsonSchema },
  'task.created': { topic: Topic.Playbooks, dataSchema: taskEventJsonSchema },
  'task.updated': { topic: Topic.Playbooks, dataSchema: taskEventJsonSchema },
  'task.completed': { topic: Topic.Playbooks, dataSchema: taskEventJsonSchema },
  'workspace.settings.updated': { topic: Topic.Workspaces, dataSchema: workspaceSettingsJsonSchema },
};

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, type);
}
