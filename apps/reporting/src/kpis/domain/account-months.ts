import { MonthIndex, monthOf, monthStart } from './month';
import { MrrMovement } from './mrr-movements';

/** A month's MRR and its movements, of one account or summed over several (amounts in millionths). */
export interface MonthMrr {
  /** MRR at the start of the month: after every event before it. */
  readonly startMrr: number;
  /** MRR at the end of the month: after every event of the month. */
  readonly endMrr: number;
  readonly newMrr: number;
  readonly expansionMrr: number;
  readonly contractionMrr: number;
  readonly churnedMrr: number;
  readonly reactivationMrr: number;
}

/** What one account adds to one month's figures (amounts in millionths). */
export interface AccountMonth extends MonthMrr {
  readonly month: MonthIndex;
  /** Expansion movements in the month. */
  readonly expansions: number;
  /** MRR at the start of month M-11, for the trailing-twelve-month GRR and NRR. */
  readonly startMrr12: number;
}

/**
 * The account's months from its first movement to `horizon` (or its last movement, if later),
 * leaving out the months where it adds nothing: no MRR at the start, the end or the start of
 * M-11, and no movement. `movements` must be in time order, as `mrrMovements` gives them.
 */
export function accountMonths(movements: readonly MrrMovement[], horizon: MonthIndex): AccountMonth[] {
  if (movements.length === 0) return [];
  const first = monthOf(movements[0]!.at);
  const last = Math.max(horizon, monthOf(movements[movements.length - 1]!.at));
  // MRR at the start of each month from `first` to `last + 1`; index 0 is `first`.
  const startOf: number[] = [];
  const rows: AccountMonth[] = [];
  let next = 0;
  let mrr = 0;
  for (let month = first; month <= last; month++) {
    const start = mrr;
    startOf.push(start);
    const end = monthStart(month + 1);
    const sums = { newMrr: 0, expansionMrr: 0, contractionMrr: 0, churnedMrr: 0, reactivationMrr: 0 };
    let expansions = 0;
    let moved = false;
    for (; next < movements.length && movements[next]!.at < end; next++) {
      const movement = movements[next]!;
      moved = true;
      mrr = movement.to;
      if (movement.type === 'new') sums.newMrr += movement.amount;
      else if (movement.type === 'expansion') {
        sums.expansionMrr += movement.amount;
        expansions++;
      } else if (movement.type === 'contraction') sums.contractionMrr += movement.amount;
      else if (movement.type === 'churn') sums.churnedMrr += movement.amount;
      else sums.reactivationMrr += movement.amount;
    }
    const back = month - 11 - first;
    const startMrr12 = back >= 0 ? startOf[back]! : 0;
    if (start !== 0 || mrr !== 0 || startMrr12 !== 0 || moved)
      rows.push({ month, startMrr: start, endMrr: mrr, ...sums, expansions, startMrr12 });
  }
  return rows;
}
