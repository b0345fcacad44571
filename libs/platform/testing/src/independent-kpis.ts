import { CustomerBase } from '@tsuzuku/demo';

/** The MRR figures of docs/kpis.md, in the order the reports list them, each at zero. */
export function zeroMrrFigures() {
  return {
    startMrr: 0,
    endMrr: 0,
    newMrr: 0,
    expansionMrr: 0,
    contractionMrr: 0,
    churnedMrr: 0,
    reactivationMrr: 0,
  };
}
export type MrrFigures = ReturnType<typeof zeroMrrFigures>;
export const MRR_FIGURES = Object.keys(zeroMrrFigures()) as (keyof MrrFigures)[];

/** The first instant of a month (YYYY-MM) and of the month after it, in milliseconds. */
export function monthSpan(month: string): { start: number; end: number } {
  const start = Date.parse(`${month}-01T00:00:00.000Z`);
  const next = new Date(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { start, end: next.getTime() };
}

export interface KpiFigures {
  readonly month: string;
  readonly values: Record<string, number | null>;
}

/**
 * The KPI definitions of docs/kpis.md computed the plainest way: replay each account's
 * subscription calls to know its MRR at any instant, then apply the formulas month by month.
 */
export function independentKpis(base: CustomerBase, months: readonly string[]): KpiFigures[] {
  const subscriptionCalls = base.calls.filter(
    (c) => c.type === 'track' && typeof c.event === 'string' && c.event.startsWith('Subscription '),
  );
  const accountIds = [...new Set(base.accounts.map((a) => a.id))];
  const mrrAt = (accountId: string, instant: number): number => {
    const latest = new Map<string, number>();
    for (const c of subscriptionCalls) {
      if (c.context.groupId !== accountId || Date.parse(c.timestamp) > instant) continue;
      const p = c.properties!;
      latest.set(String(p['subscription_id']), c.event === 'Subscription Cancelled' ? 0 : Number(p['mrr']));
    }
    let sum = 0;
    for (const v of latest.values()) sum += v;
    return sum;
  };
  return months.map((month) => {
    const { start, end } = monthSpan(month);
    const figures: Record<string, number | null> = zeroMrrFigures();
    let retained = 0;
    let kept = 0;
    let lost = 0;
    let inS = 0;
    for (const id of accountIds) {
      const startMrr = mrrAt(id, start - 1);
      const endMrr = mrrAt(id, end - 1);
      figures['endMrr']! += endMrr;
      if (startMrr > 0) {
        inS++;
        figures['startMrr']! += startMrr;
        retained += Math.min(startMrr, endMrr);
        kept += endMrr;
        if (endMrr === 0) lost++;
      }
      // Every change of the account's MRR inside the month, in time order.
      const instants = subscriptionCalls
        .filter((c) => c.context.groupId === id)
        .map((c) => Date.parse(c.timestamp))
        .filter((t, i, all) => all.indexOf(t) === i)
        .sort((a, b) => a - b);
      let hadMrr = instants.some((t) => t < start && mrrAt(id, t) > 0);
      let previous = startMrr;
      for (const t of instants) {
        if (t < start || t >= end) continue;
        const n = mrrAt(id, t);
        if (n === previous) continue;
        if (previous === 0 && n > 0) figures[hadMrr ? 'reactivationMrr' : 'newMrr']! += n;
        else if (n > previous) figures['expansionMrr']! += n - previous;
        else if (n > 0) figures['contractionMrr']! += previous - n;
        else figures['churnedMrr']! += previous;
        if (n > 0) hadMrr = true;
        previous = n;
      }
    }
    figures['logoChurnRate'] = inS === 0 ? null : lost / inS;
    figures['grr'] = figures['startMrr'] === 0 ? null : retained / figures['startMrr']!;
    figures['nrr'] = figures['startMrr'] === 0 ? null : kept / figures['startMrr']!;
    // NPS over each respondent's latest answer in the month.
    const latest = new Map<string, { at: string; score: number }>();
    for (const c of base.calls) {
      if (c.event !== 'Survey Responded' || c.properties?.['survey'] !== 'nps') continue;
      const at = Date.parse(c.timestamp);
      if (at < start || at >= end) continue;
      const known = latest.get(c.userId);
      if (!known || known.at <= c.timestamp)
        latest.set(c.userId, { at: c.timestamp, score: Number(c.properties['score']) });
    }
    const answers = [...latest.values()];
    figures['nps'] =
      answers.length === 0
        ? null
        : (100 * (answers.filter((a) => a.score >= 9).length - answers.filter((a) => a.score <= 6).length)) /
          answers.length;
    // Activity: every call (identify and group included) is an event of a user of its account.
    const active = base.calls.filter((c) => {
      const at = Date.parse(c.timestamp);
      return at >= start && at < end;
    });
    figures['activeAccounts'] = new Set(active.map((c) => c.context.groupId)).size;
    figures['mau'] = new Set(active.map((c) => c.userId)).size;
    return { month, values: figures };
  });
}
