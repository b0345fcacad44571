import path from 'node:path';
import { loadRepositories, sqlSnapshotDifferences } from '@tsuzuku/platform-testing';

describe('playbooks SQL snapshot', () => {
  it('every repository statement matches apps/playbooks/sql (TSUZUKU_UPDATE_SQL=1 rewrites it)', () => {
    const loaded = loadRepositories(__dirname);
    expect(loaded.length).toBeGreaterThan(0);
    expect(sqlSnapshotDifferences('playbooks', path.join(__dirname, '..', 'sql'))).toEqual([]);
  });
});
