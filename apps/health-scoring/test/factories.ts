import { AccountFacts, UsageDay } from '../src/scoring/domain/metrics';

/** Small builders of health-scoring's scoring data for unit tests; every field can be overridden. */

/** A day of an account's usage with nothing in it but what `over` sets. */
export const usageDay = (day: string, over: Partial<UsageDay> = {}): UsageDay => ({
  day,
  events: 0,
  signIns: 0,
  ticketsOpened: 0,
  p1Opened: 0,
  csatSum: 0,
  csatCount: 0,
  engagementEvents: 0,
  outcomes: 0,
  ...over,
});

/** What is known of an account of 10 seats that has done nothing yet; `over` sets the rest. */
export const accountFacts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  seats: 10,
  days: [],
  activeUsers: new Map([[30, 0]]),
  lastSignInAt: null,
  keyFeatures: [],
  featuresUsed: [],
  milestones: [],
  onboardingDone: [],
  recentTickets: [],
  latestNps: null,
  mrrPoints: [],
  ...over,
});
