import type { AnyEventEnvelope } from '../../envelope-validator';
import { latestWorkspaceSettings } from './latest-settings';

function settingsUpdated(id: string, workspaceId: string, version: number, fallbackOwner: string | null) {
  return {
    id,
    type: 'workspace.settings.updated',
    workspaceId,
    data: { name: 'w', fallbackOwner, version },
  } as unknown as AnyEventEnvelope;
}

describe('latestWorkspaceSettings', () => {
  it('keeps the highest version of each workspace, the first of equal ones, with its event', () => {
    const events = [
      settingsUpdated('a', 'ws_1', 2, 'two@x.io'),
      settingsUpdated('b', 'ws_1', 3, 'three@x.io'),
      settingsUpdated('c', 'ws_1', 1, 'one@x.io'),
      settingsUpdated('d', 'ws_2', 5, null),
      settingsUpdated('e', 'ws_2', 5, 'later@x.io'),
    ];
    const latest = latestWorkspaceSettings(events);
    expect([...latest.keys()]).toEqual(['ws_1', 'ws_2']);
    expect(latest.get('ws_1')).toEqual({
      workspaceId: 'ws_1',
      fallbackOwner: 'three@x.io',
      version: 3,
      cause: events[1],
    });
    expect(latest.get('ws_2')?.cause).toBe(events[3]);
  });

  it('passes over other events', () => {
    const other = { id: 'x', type: 'account.updated', workspaceId: 'ws_1' } as unknown as AnyEventEnvelope;
    expect(latestWorkspaceSettings([other]).size).toBe(0);
  });
});
