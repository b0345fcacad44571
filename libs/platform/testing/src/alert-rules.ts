/** An alert rule as the alerting API answers it. */
interface AnsweredRule {
  readonly id: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

const WRITABLE = ['name', 'type', 'params', 'severity', 'scope', 'enabled', 'cooldownMinutes'] as const;

/**
 * Sets the grace period of a workspace's alert rules (all of them, or those of `types`) to 0
 * through the alerting API, so a test's accounts, first seen moments ago, are alerted at once
 * as a customer who wants day-zero alerts would configure it.
 */
export async function alertNewAccountsAtOnce(
  alertingUrl: string,
  token: string,
  types: readonly string[] | null = null,
): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const answer = (await (await fetch(`${alertingUrl}/v1/alert-rules`, { headers })).json()) as
    AnsweredRule[] | { items: AnsweredRule[] };
  const rules = Array.isArray(answer) ? answer : answer.items;
  for (const rule of rules) {
    if (types && !types.includes(rule.type)) continue;
    const body = Object.fromEntries(WRITABLE.map((field) => [field, rule[field]]));
    const response = await fetch(`${alertingUrl}/v1/alert-rules/${rule.id}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ ...body, graceDays: 0 }),
    });
    if (!response.ok)
      throw new Error(
        `setting the grace period of rule ${rule.id}: ${response.status} ${await response.text()}`,
      );
  }
}
