import { fitLogistic } from './logistic-regression';
import {
  AccountTimeline,
  addDays,
  examplesAt,
  featureNames,
  featureRow,
  observationDays,
  parseFeature,
  snapshotOn,
} from './training-set';

const timeline = (
  accountId: string,
  churnedOn: string | null,
  snapshots: [string, Record<string, number | null>][],
): AccountTimeline => ({
  accountId,
  churnedOn,
  snapshots: snapshots.map(([day, values]) => ({ day, values })),
});

describe('point-in-time features', () => {
  const t = timeline('a', null, [
    ['2026-01-01', { logins: 10 }],
    ['2026-01-20', { logins: 4 }],
    ['2026-02-15', { logins: 1 }],
  ]);

  it('reads the latest snapshot on or before the day, never a later one', () => {
    expect(snapshotOn(t, '2025-12-31')).toBeUndefined();
    expect(snapshotOn(t, '2026-01-19')!.values['logins']).toBe(10);
    expect(snapshotOn(t, '2026-02-14')!.values['logins']).toBe(4);
  });

  it('gives each value and its change over 30 days', () => {
    expect(featureNames(['logins'])).toEqual(['logins', 'logins:change_30d']);
    // 30 days before 2026-02-15 is 2026-01-16: the snapshot of 2026-01-01 still stood then.
    expect(featureRow(t, '2026-02-15', featureNames(['logins']))).toEqual([1, 1 - 10]);
    expect(featureRow(t, '2026-01-25', featureNames(['logins']))).toEqual([4, null]);
    expect(featureRow(t, '2026-01-25', featureNames(['missing']))).toEqual([null, null]);
  });

  it('reads a log-scaled value as log(1 + value), and its change on the own scale', () => {
    const names = featureNames(['logins', 'nps'], { logScaled: ['logins'] });
    expect(names).toEqual(['logins:log', 'nps', 'logins:change_30d', 'nps:change_30d']);
    expect(names.map((n) => parseFeature(n).kind)).toEqual(['log', 'value', 'change', 'change']);
    // 2026-02-15: logins 1, and 10 on 2026-01-16 (the snapshot of 2026-01-01 then).
    expect(featureRow(t, '2026-02-15', names)).toEqual([Math.log(2), null, 1 - 10, null]);
    // Before the first snapshot nothing is known.
    expect(featureRow(t, '2025-12-31', names)).toEqual([null, null, null, null]);
    // A negative count (bad data) is read as 0, not as the log of a negative number.
    const negative = timeline('n', null, [['2026-01-01', { logins: -3 }]]);
    expect(featureRow(negative, '2026-01-02', ['logins:log'])).toEqual([0]);
  });

  it('lists observation days every n days back from the latest', () => {
    expect(observationDays('2026-01-10', '2026-02-01', 7)).toEqual([
      '2026-01-11',
      '2026-01-18',
      '2026-01-25',
      '2026-02-01',
    ]);
    expect(observationDays('2026-02-02', '2026-02-01', 7)).toEqual([]);
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
  });
});

describe('examplesAt', () => {
  it('labels a churn within the horizon and drops accounts already gone', () => {
    const accounts = [
      timeline('stays', null, [['2026-01-01', { logins: 9 }]]),
      timeline('leaves', '2026-03-10', [['2026-01-01', { logins: 1 }]]),
      timeline('gone', '2026-01-15', [['2026-01-01', { logins: 0 }]]),
    ];
    const examples = examplesAt(accounts, featureNames(['logins']), {
      observationDays: ['2026-02-01'],
      horizonDays: 90,
      cutoff: '2026-06-01',
    });
    expect(examples.map((e) => [e.accountId, e.outcome])).toEqual([
      ['stays', false],
      ['leaves', true],
    ]);
  });

  it('never lets a fact from after the cutoff reach the model (a leaking measure is not seen)', () => {
    // "cancel_clicked" is recorded only on the day of the churn: it would give the outcome away.
    const accounts: AccountTimeline[] = [];
    for (let i = 0; i < 60; i += 1) {
      const churns = i % 3 === 0;
      const usage = churns ? 2 + (i % 4) : 6 + (i % 5);
      const churnedOn = churns ? '2026-05-20' : null;
      accounts.push(
        timeline(`acct-${i}`, churnedOn, [
          ['2026-01-01', { logins: usage, cancel_clicked: 0 }],
          ['2026-02-01', { logins: usage - (churns ? 1 : 0), cancel_clicked: 0 }],
          ...(churns
            ? ([['2026-05-20', { logins: 0, cancel_clicked: 1 }]] as [string, Record<string, number>][])
            : []),
        ]),
      );
    }
    const cutoff = '2026-06-01';
    const examples = examplesAt(accounts, featureNames(['logins', 'cancel_clicked']), {
      observationDays: ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01', '2026-06-01'],
      horizonDays: 90,
      cutoff,
    });
    // Only observation days up to cutoff - 90 days: February and March.
    expect(new Set(examples.map((e) => e.day))).toEqual(new Set(['2026-02-01', '2026-03-01']));
    const leak = featureNames(['logins', 'cancel_clicked']).indexOf('cancel_clicked');
    expect(examples.every((e) => e.row[leak] === 0)).toBe(true);
    const model = fitLogistic(
      featureNames(['logins', 'cancel_clicked']),
      examples.map((e) => e.row),
      examples.map((e) => e.outcome),
    );
    expect(model.coefficients[leak]).toBe(0);
    expect(model.coefficients[0]!).toBeLessThan(0);
  });
});
