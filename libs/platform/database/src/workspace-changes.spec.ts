import { changedWorkspace } from './workspace-changes';

describe('changedWorkspace', () => {
  it.each([
    ['health_scoring.settings/ws_1', 'ws_1'],
    ['health_scoring.settings/ws/with/slashes', 'ws/with/slashes'],
    ['health_scoring.scorecards/ws_1', undefined],
    ['health_scoring.settings', undefined],
    [undefined, undefined],
  ])('%s names %s for the settings cache', (payload, expected) => {
    expect(changedWorkspace('health_scoring.settings', payload)).toBe(expected);
  });
});
