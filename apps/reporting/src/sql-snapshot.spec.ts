import path from 'node:path';
import { loadRepositories, sqlSnapshotDifferences } from '@tsuzuku/platform-testing';

describe('reporting SQL snapshots', () => {
  it('apps/reporting/sql holds the statements every repository declares', () => {
    expect(loadRepositories(__dirname).length).toBeGreaterThan(0);
    expect(sqlSnapshotDifferences('reporting', path.join(__dirname, '..', 'sql'))).toEqual([]);
  });
});
