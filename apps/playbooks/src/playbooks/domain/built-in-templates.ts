import type { PlaybookDefinition } from './playbook-definition';

/** A playbook every workspace gets on first sight, enabled, to switch off or edit like any other. */
export interface BuiltInTemplate {
  /** Stable key: the workspace keeps one playbook per template. */
  readonly key: string;
  readonly definition: PlaybookDefinition;
}

export const BUILT_IN_TEMPLATES: readonly BuiltInTemplate[] = [
  {
    key: 'onboarding-high-touch',
    definition: {
      name: 'Onboarding (high touch)',
      description: 'Kickoff on day 0, setup support, and a first-success check on day 14.',
      enabled: true,
      trigger: { type: 'subscription_started' },
      audience: { touchModels: ['high'] },
      steps: [
        {
          id: 'kickoff',
          type: 'task',
          title: 'Hold the kickoff meeting',
          description: 'Agree goals, success criteria and the onboarding plan with the customer.',
          dueInDays: 0,
          priority: 'high',
        },
        {
          id: 'setup-support',
          type: 'task',
          title: 'Support the setup',
          description: 'Help connect data, invite the team and configure the first workflows.',
          dueInDays: 7,
          priority: 'medium',
        },
        { id: 'until-day-14', type: 'wait', duration: 'P14D' },
        {
          id: 'first-success',
          type: 'branch',
          if: { onboardingComplete: true },
          then: 'celebrate',
          else: 'rescue',
        },
        {
          id: 'rescue',
          type: 'task',
          title: 'First success not reached: unblock onboarding',
          description: 'Onboarding is incomplete on day 14. Call the customer and agree the next steps.',
          dueInDays: 2,
          priority: 'high',
        },
        { id: 'rescue-done', type: 'branch', if: { onboardingComplete: false }, then: 'end' },
        {
          id: 'celebrate',
          type: 'task',
          title: 'First success reached: confirm value',
          description: 'Confirm the outcome with the sponsor and plan adoption goals.',
          dueInDays: 3,
          priority: 'low',
        },
      ],
      exit: [],
      holdoutPercent: 0,
    },
  },
  {
    key: 'onboarding-tech-touch',
    definition: {
      name: 'Onboarding (tech touch)',
      description:
        'Welcome email on day 0, setup guide on day 2, tips on day 7 unless onboarding is complete.',
      enabled: true,
      trigger: { type: 'subscription_started' },
      audience: { touchModels: ['tech'] },
      steps: [
        {
          id: 'welcome',
          type: 'email',
          subject: 'Welcome to your new workspace, {{account.name}}',
          body: 'Hello,\n\nWelcome aboard! Your account {{account.name}} is ready. Reply to this email if you need anything.\n',
        },
        { id: 'until-day-2', type: 'wait', duration: 'P2D' },
        {
          id: 'setup-guide',
          type: 'email',
          subject: 'Set up {{account.name}} in three steps',
          body: 'Hello,\n\nHere is the setup guide: invite your team, connect your data, build your first report.\n',
        },
        { id: 'until-day-7', type: 'wait', duration: 'P5D' },
        { id: 'onboarded', type: 'branch', if: { onboardingComplete: true }, then: 'end' },
        {
          id: 'tips',
          type: 'email',
          subject: 'Tips to get more out of {{account.name}}',
          body: 'Hello,\n\nA few tips from teams like yours to finish onboarding and see results sooner.\n',
        },
      ],
      exit: [],
      holdoutPercent: 0,
    },
  },
  {
    key: 'adoption-risk',
    definition: {
      name: 'Adoption risk',
      description: 'Health fell into red: a CSM call within a day; still not green after 7 days, escalate.',
      enabled: true,
      trigger: { type: 'alert_raised', ruleType: 'score_below' },
      audience: {},
      steps: [
        {
          id: 'call',
          type: 'task',
          title: 'Call the customer about their health',
          description: 'Health is in the red. Find out what is blocking them and agree a recovery plan.',
          dueInDays: 1,
          priority: 'high',
        },
        { id: 'week', type: 'wait', duration: 'P7D' },
        { id: 'recovered', type: 'branch', if: { bandIn: ['green'] }, then: 'end' },
        {
          id: 'escalate',
          type: 'task',
          title: 'Escalation: account still not green after 7 days',
          description: 'Review the recovery plan with the CSM and decide on executive involvement.',
          dueInDays: 2,
          priority: 'urgent',
          owner: 'manager',
        },
      ],
      // Back in green: nothing left to do (and its open tasks are closed as skipped).
      exit: [{ bandIn: ['green'] }],
      holdoutPercent: 0,
    },
  },
  {
    key: 'churn-risk',
    definition: {
      name: 'Churn risk',
      description:
        "The churn model puts the account above the churn_risk_above rule's threshold: a CSM call within two days on what raises the risk; when the alert resolves first, the run exits and the call task is skipped.",
      enabled: true,
      trigger: { type: 'alert_raised', ruleType: 'churn_risk_above' },
      audience: {},
      steps: [
        {
          id: 'save-call',
          type: 'task',
          title: 'Churn risk: review what drives it and call the customer',
          description:
            'The churn model predicts this account may churn. Its churn_risk_above alert lists the features that raise the risk most: go through them with the customer and agree a save plan.',
          dueInDays: 2,
          priority: 'high',
        },
        // The run stays with the task until it is done (or 30 days), so that the exit can close it.
        { id: 'until-done', type: 'wait', until: { taskDone: 'save-call' }, timeout: 'P30D' },
      ],
      // The probability fell back under the threshold: the open task closes as skipped.
      exit: [{ alertResolved: true }],
      holdoutPercent: 0,
    },
  },
  {
    key: 'renewal-review',
    definition: {
      name: 'Renewal: 90-day review',
      description: '90 days before the renewal date: review the renewal.',
      enabled: true,
      trigger: { type: 'days_before_renewal', days: 90 },
      audience: {},
      steps: [
        {
          id: 'review',
          type: 'task',
          title: 'Renewal review',
          description: 'Renewal in 90 days. Review usage, outcomes and risks; plan the renewal conversation.',
          dueInDays: 14,
          priority: 'medium',
        },
      ],
      exit: [],
      holdoutPercent: 0,
    },
  },
  {
    key: 'renewal-exec-sponsor',
    definition: {
      name: 'Renewal: executive sponsor check',
      description:
        '30 days before the renewal date, for accounts that are not green: check in with the executive sponsor.',
      enabled: true,
      trigger: { type: 'days_before_renewal', days: 30 },
      audience: { bands: ['red', 'yellow'] },
      steps: [
        {
          id: 'exec-sponsor',
          type: 'task',
          title: 'Executive sponsor check before renewal',
          description: 'Renewal in 30 days and health is not green. Meet the executive sponsor.',
          dueInDays: 5,
          priority: 'high',
        },
      ],
      exit: [],
      holdoutPercent: 0,
    },
  },
  {
    key: 'expansion',
    definition: {
      name: 'Expansion',
      description: 'A promoter, or seats nearly all used: an upsell or referral conversation.',
      enabled: true,
      trigger: { type: 'alert_raised', ruleType: 'expansion_signal' },
      audience: {},
      steps: [
        {
          id: 'upsell',
          type: 'task',
          title: 'Upsell or referral conversation',
          description:
            'The account is a promoter or close to its seat limit. Propose more seats, an upgrade, or ask for a referral.',
          dueInDays: 7,
          priority: 'medium',
        },
      ],
      exit: [],
      holdoutPercent: 0,
    },
  },
];
