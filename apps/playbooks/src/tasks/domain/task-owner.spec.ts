import { stepOwnerOf, taskOwnerFor } from './task-owner';

describe('taskOwnerFor', () => {
  const all = {
    accountOwner: 'csm@example.com',
    alertOwner: 'alert@example.com',
    manager: 'boss@example.com',
    fallbackOwner: 'team@example.com',
  };
  const none = { accountOwner: null, alertOwner: null, manager: null, fallbackOwner: null };

  it.each([
    ['absent: the account owner first', undefined, all, all.accountOwner],
    ['account', 'account', all, all.accountOwner],
    ['owner (the value before)', 'owner', all, all.accountOwner],
    ['account, no account owner: the alert owner', 'account', { ...all, accountOwner: null }, all.alertOwner],
    [
      'account, neither: the fallback owner',
      'account',
      { ...all, accountOwner: null, alertOwner: null },
      all.fallbackOwner,
    ],
    ['manager', 'manager', all, all.manager],
    ['manager unset: the fallback owner', 'manager', { ...all, manager: null }, all.fallbackOwner],
    ['an email', 'someone@example.com', none, 'someone@example.com'],
    ['nobody when no fallback owner is set', undefined, none, null],
  ])('%s', (_name, who, candidates, expected) => {
    expect(taskOwnerFor(who, candidates)).toBe(expected);
  });

  it('never answers nobody while a fallback owner exists, whatever else is missing', () => {
    for (const who of [undefined, 'account', 'owner', 'manager'])
      expect(taskOwnerFor(who, { ...none, fallbackOwner: 'team@example.com' })).not.toBeNull();
  });

  it('reads the step under its name or the one before', () => {
    expect(stepOwnerOf({ owner: 'manager' })).toBe('manager');
    expect(stepOwnerOf({ assignee: 'manager' })).toBe('manager');
    expect(stepOwnerOf({})).toBeUndefined();
  });
});
