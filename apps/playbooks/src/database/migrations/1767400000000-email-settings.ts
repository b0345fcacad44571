import { createTable, sqlMigration } from '@tsuzuku/platform-database';

/**
 * Each workspace's SMTP server for email steps, set through the API (PUT /v1/email-settings). The
 * password is written here and never read back by the API (like a channel's secret in alerting).
 */
export const EmailSettings1767400000000 = sqlMigration('EmailSettings1767400000000', [
  createTable(`
      CREATE TABLE playbooks.email_settings (
        workspace_id text PRIMARY KEY,
        host text NOT NULL,
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        secure boolean NOT NULL,
        from_address text NOT NULL,
        username text,
        password text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`),
]);
