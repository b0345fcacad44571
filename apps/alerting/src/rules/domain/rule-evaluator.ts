import { AccountUpdatedData, ChurnRiskContribution } from '@tsuzuku/contracts';
import {
  ChurnRiskAboveParams,
  ExpansionSignalParams,
  InactivityParams,
  NpsDetractorParams,
  OnboardingStalledParams,
  RenewalRiskParams,
  RuleCondition,
  ScoreBelowParams,
  ScoreDropParams,
  TicketSpikeParams,
  UsageDropParams,
} from './alert-rule';

export const DAY_MS = 86_400_000;

/** A point of an account's score history. */
export interface ScorePoint {
  readonly at: string;
  readonly score: number;
}

export type Evidence = Readonly<Record<string, string | number | boolean | null>>;

/**
 * What a rule says about an account: its condition is met or not (with the figures that decided
 * it and a one-line summary), or the account lacks the data to tell.
 */
export type Evaluation =
  | { readonly outcome: 'met'; readonly evidence: Evidence; readonly summary: string }
  | { readonly outcome: 'not_met'; readonly evidence: Evidence; readonly summary: string }
  | { readonly outcome: 'no_data'; readonly reason: string };

const met = (evidence: Evidence, summary: string): Evaluation => ({ outcome: 'met', evidence, summary });
const notMet = (evidence: Evidence, summary: string): Evaluation => ({
  outcome: 'not_met',
  evidence,
  summary,
});
const noData = (reason: string): Evaluation => ({ outcome: 'no_data', reason });
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Evaluates a rule's condition against an account's latest snapshot and score history, as of
 * `now`. Pure: the same inputs always give the same answer.
 */
export function evaluateRule(
  condition: RuleCondition,
  account: AccountUpdatedData,
  history: readonly ScorePoint[],
  now: Date,
): Evaluation {
  switch (condition.type) {
    case 'score_below':
      return scoreBelow(condition.params, account);
    case 'score_drop':
      return scoreDrop(condition.params, account, history, now);
    case 'inactivity':
      return inactivity(condition.params, account, now);
    case 'usage_drop':
      return usageDrop(condition.params, account);
    case 'nps_detractor':
      return npsDetractor(condition.params, account);
    case 'ticket_spike':
      return ticketSpike(condition.params, account, now);
    case 'renewal_risk':
      return renewalRisk(condition.params, account, now);
    case 'onboarding_stalled':
      return onboardingStalled(condition.params, account, now);
    case 'expansion_signal':
      return expansionSignal(condition.params, account);
    case 'churn_risk_above':
      return churnRiskAbove(condition.params, account);
  }
}

function scoreBelow(p: ScoreBelowParams, a: AccountUpdatedData): Evaluation {
  const { score, band } = a.health;
  if (score === null) return noData('the account has no score yet');
  const evidence = { score, band, threshold: p.threshold };
  if (p.onRedBand && band === 'red') return met(evidence, `Health is red (score ${score})`);
  if (p.threshold !== null && score < p.threshold)
    return met(evidence, `Health score ${score} is below ${p.threshold}`);
  return notMet(evidence, `Health score is ${score} (${band ?? 'no band'})`);
}

function scoreDrop(
  p: ScoreDropParams,
  a: AccountUpdatedData,
  history: readonly ScorePoint[],
  now: Date,
): Evaluation {
  const current = a.health.score;
  if (current === null) return noData('the account has no score yet');
  const since = now.getTime() - p.days * DAY_MS;
  // The peak over the window, counting the score in effect when it began (the last point before it).
  let peak: ScorePoint | null = null;
  let before: { point: ScorePoint; at: number } | null = null;
  for (const point of history) {
    const at = Date.parse(point.at);
    if (at > now.getTime()) continue;
    if (at < since) {
      if (!before || at > before.at) before = { point, at };
      continue;
    }
    if (!peak || point.score > peak.score) peak = point;
  }
  if (before && (!peak || before.point.score > peak.score)) peak = before.point;
  if (!peak) return noData(`no score history for the last ${p.days} days`);
  const drop = round1(peak.score - current);
  const evidence = { score: current, peakScore: peak.score, peakAt: peak.at, drop, days: p.days };
  return drop >= p.points
    ? met(evidence, `Health score fell ${drop} points in ${p.days} days (${peak.score} → ${current})`)
    : notMet(evidence, `Health score is ${drop > 0 ? `${drop} points` : 'not'} under its ${p.days}-day high`);
}

function inactivity(p: InactivityParams, a: AccountUpdatedData, now: Date): Evaluation {
  const last = a.signals.lastSignInAt;
  if (last === null) return noData('nobody of the account has signed in yet');
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(last)) / DAY_MS));
  const evidence = { daysSinceLastSignIn: days, lastSignInAt: last, days: p.days };
  return days >= p.days
    ? met(evidence, `No sign-in for ${days} days`)
    : notMet(evidence, `Last sign-in ${days} day(s) ago`);
}

function usageDrop(p: UsageDropParams, a: AccountUpdatedData): Evaluation {
  const s = a.signals;
  const [current, previous] =
    p.measure === 'active_users' ? [s.activeUsers7d, s.activeUsersPrev7d] : [s.events7d, s.eventsPrev7d];
  const label = p.measure === 'active_users' ? 'Active users' : 'Events';
  if (previous <= 0 || previous < p.minPrevious)
    return noData(`${label.toLowerCase()} of the previous week (${previous}) are too few to compare`);
  const dropPercent = round1(((previous - current) / previous) * 100);
  const evidence = { measure: p.measure, current, previous, dropPercent, percent: p.percent };
  return dropPercent >= p.percent
    ? met(evidence, `${label} down ${dropPercent}% week over week (${previous} → ${current})`)
    : notMet(evidence, `${label} ${previous} → ${current} week over week`);
}

function npsDetractor(p: NpsDetractorParams, a: AccountUpdatedData): Evaluation {
  const nps = a.signals.latestNps;
  if (nps === null) return noData('no NPS answer yet');
  const evidence = { latestNps: nps, maxScore: p.maxScore };
  return nps <= p.maxScore
    ? met(evidence, `NPS detractor (answered ${nps})`)
    : notMet(evidence, `Latest NPS answer is ${nps}`);
}

function ticketSpike(p: TicketSpikeParams, a: AccountUpdatedData, now: Date): Evaluation {
  const firstDay = dayOf(now.getTime() - (p.days - 1) * DAY_MS);
  // Figures computed before the window began say nothing about it (health-scoring went quiet).
  if (Date.parse(a.signals.asOf) < now.getTime() - p.days * DAY_MS)
    return noData(`the account's ticket figures (as of ${a.signals.asOf}) predate the last ${p.days} days`);
  let opened = 0;
  let p1 = 0;
  for (const d of a.signals.ticketDays) {
    if (d.day < firstDay) continue;
    opened += d.opened;
    p1 += d.p1;
  }
  const evidence = { ticketsOpened: opened, p1Opened: p1, days: p.days, count: p.count };
  if (opened >= p.count) return met(evidence, `${opened} tickets opened in ${p.days} days`);
  if (p.anyP1 && p1 > 0) return met(evidence, `${p1} P1 ticket(s) opened in ${p.days} days`);
  return notMet(evidence, `${opened} ticket(s) opened in ${p.days} days`);
}

function renewalRisk(p: RenewalRiskParams, a: AccountUpdatedData, now: Date): Evaluation {
  if (a.renewalDate === null) return noData('no renewal date');
  const { band } = a.health;
  if (band === null) return noData('the account has no health band yet');
  const untilMs = Date.parse(a.renewalDate) - now.getTime();
  if (Number.isNaN(untilMs)) return noData(`renewal date ${a.renewalDate} is not a date`);
  const daysUntil = Math.ceil(untilMs / DAY_MS);
  const evidence = { renewalDate: a.renewalDate, daysUntilRenewal: daysUntil, band, days: p.days };
  if (untilMs < 0) return notMet(evidence, `Renewal date ${a.renewalDate} has passed`);
  if (untilMs <= p.days * DAY_MS && p.bands.includes(band))
    return met(evidence, `Renewal in ${daysUntil} day(s) with ${band} health`);
  return notMet(evidence, `Renewal in ${daysUntil} day(s), health ${band}`);
}

function onboardingStalled(p: OnboardingStalledParams, a: AccountUpdatedData, now: Date): Evaluation {
  const completion = a.signals.metrics['onboarding_completion'];
  if (completion === undefined || completion === null)
    return noData('the workspace has no onboarding milestones');
  const completionPercent = round1(completion * 100);
  const ageDays = Math.floor((now.getTime() - Date.parse(a.firstSeenAt)) / DAY_MS);
  const evidence = { completionPercent, accountAgeDays: ageDays, percent: p.percent, days: p.days };
  if (ageDays >= p.days && completionPercent < p.percent)
    return met(evidence, `Onboarding at ${completionPercent}% after ${ageDays} days`);
  return notMet(evidence, `Onboarding at ${completionPercent}% after ${ageDays} days`);
}

function expansionSignal(p: ExpansionSignalParams, a: AccountUpdatedData): Evaluation {
  const { seats } = a;
  const { activeUsers30d, latestNps } = a.signals;
  const seatKnown = p.seatUsagePercent !== null && seats !== null && seats > 0;
  const npsKnown = p.promoterMinScore !== null && latestNps !== null;
  if (!seatKnown && !npsKnown) return noData('neither seats nor an NPS answer to judge by');
  const seatUsagePercent = seatKnown ? round1((activeUsers30d / seats) * 100) : null;
  const evidence = {
    activeUsers30d,
    seats,
    seatUsagePercent,
    latestNps,
    thresholdPercent: p.seatUsagePercent,
    promoterMinScore: p.promoterMinScore,
  };
  if (seatKnown && seatUsagePercent! >= p.seatUsagePercent!)
    return met(evidence, `${activeUsers30d} active users on ${seats} seats (${seatUsagePercent}%)`);
  if (npsKnown && latestNps! >= p.promoterMinScore!)
    return met(evidence, `NPS promoter (answered ${latestNps})`);
  return notMet(evidence, 'No expansion signal');
}

/**
 * The churn model's probability above the threshold. The alert explains itself by the features
 * that raise the probability most (positive contributions, biggest first): what lowers the risk
 * is no reason for the alert. An account without a prediction has no data: nothing is raised, and
 * an open alert is left as it is (as for every rule's missing data).
 */
function churnRiskAbove(p: ChurnRiskAboveParams, a: AccountUpdatedData): Evaluation {
  const risk = a.churnRisk ?? null;
  if (risk === null) return noData('the account has no churn prediction (no model, or none yet)');
  const percent = round1(risk.probability * 100);
  const drivers = topRiskDrivers(risk.contributions, p.topContributions);
  const evidence = {
    probability: risk.probability,
    threshold: p.probability,
    horizonDays: risk.horizonDays,
    modelId: risk.modelId,
    trainedAt: risk.trainedAt,
    topContributions: drivers.map(describeContribution).join('; ') || null,
  };
  const within = `within ${risk.horizonDays} days`;
  if (risk.probability > p.probability) {
    const why = drivers.length > 0 ? `: ${drivers.map(describeContribution).join('; ')}` : '';
    return met(evidence, `Churn risk ${percent}% ${within} (above ${round1(p.probability * 100)}%)${why}`);
  }
  return notMet(evidence, `Churn risk ${percent}% ${within}`);
}

/** The contributions that raise the churn probability, biggest first, at most `count`. */
export function topRiskDrivers(
  contributions: readonly ChurnRiskContribution[],
  count: number,
): ChurnRiskContribution[] {
  return contributions
    .filter((c) => c.contribution > 0)
    .sort((x, y) => y.contribution - x.contribution || (x.feature < y.feature ? -1 : 1))
    .slice(0, count);
}

function describeContribution(c: ChurnRiskContribution): string {
  const label = c.label || c.feature;
  const value = c.value === null ? 'no data' : String(Math.round(c.value * 1000) / 1000);
  return `${label} = ${value} (+${Math.round(c.contribution * 100) / 100})`;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
