import { randomUUID } from 'node:crypto';
import { MigratedDatabase, createMigratedDatabase } from '@tsuzuku/platform-testing';
import { playbooksDatabase } from '../../src/database/playbooks.database';
import { AccountProfileRepository } from '../../src/engine/account-profile.repository';
import { accountKey } from '../../src/engine/account-store';
import { accountProfile } from './factories';

/**
 * The account profiles the signals consumer keeps from account.updated, written for a whole run
 * in one statement (AccountProfileRepository), on a migrated database.
 */
describe('account profiles written a run at a time (medium)', () => {
  let database: MigratedDatabase;
  let accounts: AccountProfileRepository;

  beforeAll(async () => {
    database = await createMigratedDatabase('playbooks_account_profiles', playbooksDatabase);
    accounts = new AccountProfileRepository(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('stores each profile unless a newer one is stored, and reads back owners and times', async () => {
    const ws = `ws_${randomUUID().slice(0, 8)}`;
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, minutes));
    const { dataSource: ds } = database;
    await ds.transaction((m) =>
      accounts.upsertProfiles(m, [
        accountProfile(ws, 'acc_b', t(10), { csmEmail: 'b@example.com', phase: 'renewal' }),
        accountProfile(ws, 'acc_a', t(10), { csmEmail: 'a@example.com' }),
      ]),
    );
    // One older (ignored), one newer (stored), one new account, in one statement.
    await ds.transaction((m) =>
      accounts.upsertProfiles(m, [
        accountProfile(ws, 'acc_a', t(5), { csmEmail: 'older@example.com' }),
        accountProfile(ws, 'acc_b', t(20), { csmEmail: 'newer@example.com', phase: 'expansion' }),
        accountProfile(ws, 'acc_c', t(1), { csmEmail: null }),
      ]),
    );

    const states = await ds.transaction((m) =>
      accounts.profileStates(m, [
        { workspaceId: ws, accountId: 'acc_a' },
        { workspaceId: ws, accountId: 'acc_b' },
        { workspaceId: ws, accountId: 'acc_c' },
        { workspaceId: ws, accountId: 'acc_unknown' },
      ]),
    );
    expect(
      Object.fromEntries([...states].map(([k, v]) => [k, { ...v, profileAt: v.profileAt?.toISOString() }])),
    ).toEqual({
      [accountKey(ws, 'acc_a')]: { owner: 'a@example.com', profileAt: t(10).toISOString() },
      [accountKey(ws, 'acc_b')]: { owner: 'newer@example.com', profileAt: t(20).toISOString() },
      [accountKey(ws, 'acc_c')]: { owner: null, profileAt: t(1).toISOString() },
    });
    const phases = await ds.transaction((m) =>
      accounts.profiledPhases(m, [{ workspaceId: ws, accountId: 'acc_b' }]),
    );
    expect(phases.get(accountKey(ws, 'acc_b'))).toBe('expansion');
  });
});
