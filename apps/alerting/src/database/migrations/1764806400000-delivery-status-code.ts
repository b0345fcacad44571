import { sqlMigration } from '@tsuzuku/platform-database';

/**
 * Deliveries keep the receiver's status code beside a reason in our words. Reasons recorded
 * before held up to 200 characters of the receiver's answer ("HTTP 500: <body>"): they are
 * rewritten to the status alone, so no stored answer can be read back through the API.
 */
export const DeliveryStatusCode1764806400000 = sqlMigration('DeliveryStatusCode1764806400000', [
  {
    up: [
      `ALTER TABLE alerting.deliveries ADD COLUMN last_status_code integer`,
      `UPDATE alerting.deliveries
      SET last_status_code = substring(last_error from '^HTTP (\\d{3})')::integer,
          last_error = 'receiver answered ' || substring(last_error from '^HTTP (\\d{3})')
      WHERE last_error ~ '^HTTP \\d{3}'`,
    ],
    down: `ALTER TABLE alerting.deliveries DROP COLUMN last_status_code`,
  },
]);
