import { assignOwner, newAccount } from './account-row';

describe('assignOwner', () => {
  const at = (hour: number) => `2026-11-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

  it('sets an owner never set, and a later change replaces it', () => {
    const row = newAccount('ws', 'acc', at(0));
    expect(assignOwner(row, 'ana@example.com', at(10))).toBe(true);
    expect(assignOwner(row, 'bo@example.com', at(11))).toBe(true);
    expect([row.owner, row.ownerAt]).toEqual(['bo@example.com', at(11)]);
  });

  it('keeps the owner when the change is older than the one that set it (a late group call)', () => {
    const row = newAccount('ws', 'acc', at(0));
    assignOwner(row, 'ana@example.com', at(10));
    expect(assignOwner(row, 'old@example.com', at(9))).toBe(false);
    expect([row.owner, row.ownerAt]).toEqual(['ana@example.com', at(10)]);
  });

  it('lets a change at the same moment apply, and null remove the owner', () => {
    const row = newAccount('ws', 'acc', at(0));
    assignOwner(row, 'ana@example.com', at(10));
    expect(assignOwner(row, null, at(10))).toBe(true);
    expect(row.owner).toBeNull();
  });
});
