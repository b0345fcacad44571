import path from 'node:path';
import { loadRepositories, sqlSnapshotDifferences } from '@tsuzuku/platform-testing';

describe('ingestion SQL snapshot', () => {
  it('apps/ingestion/sql holds every statement the repositories declare, as declared', () => {
    const loaded = loadRepositories(__dirname);
    expect(loaded.length).toBeGreaterThan(0);
    expect(sqlSnapshotDifferences('ingestion', path.join(__dirname, '..', 'sql'))).toEqual([]);
  });
});
