import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deliveries keep the receiver's status code beside a reason in our words. Reasons recorded
 * before held up to 200 characters of the receiver's answer ("HTTP 500: <body>"): they are
 * rewritten to the status alone, so no stored answer can be read back through the API.
 */
export class DeliveryStatusCode1764806400000 implements MigrationInterface {
  name = 'DeliveryStatusCode1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerting.deliveries ADD COLUMN last_status_code integer`);
    await q.query(`UPDATE alerting.deliveries
      SET last_status_code = substring(last_error from '^HTTP (\\d{3})')::integer,
          last_error = 'receiver answered ' || substring(last_error from '^HTTP (\\d{3})')
      WHERE last_error ~ '^HTTP \\d{3}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerting.deliveries DROP COLUMN last_status_code`);
  }
}
