import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * The subscription events of a workspace, read whole by the backtests and models (the outcomes of
 * its accounts) among all the events kept for the explanations: a partial index holds only them.
 */
export const AccountEventsSubscriptions1767700200000 = sqlMigration(
  'AccountEventsSubscriptions1767700200000',
  [
    {
      up: `CREATE INDEX account_events_subscriptions ON health_scoring.account_events (workspace_id, occurred_at)
      WHERE name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled')`,
      down: 'DROP INDEX health_scoring.account_events_subscriptions',
    },
  ],
);
