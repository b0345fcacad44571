import { Topic } from '../topics';
import { CustomerEventData, customerEventJsonSchema } from './customer-event/value';
import {
  AccountHealthChangedData,
  AccountUpdatedData,
  accountHealthChangedJsonSchema,
  accountUpdatedJsonSchema,
} from './account/value';

/**
 * Every event type, by name, with its data and its topic. A handler typed by a name gets its
 * payload type from here, and both producer and consumer validate against the same schema.
 */
export interface EventRegistry {
  'customer.event.recorded': CustomerEventData;
  'account.health.changed': AccountHealthChangedData;
  'account.updated': AccountUpdatedData;
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
};

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, type);
}
