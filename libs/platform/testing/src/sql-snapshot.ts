import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { declaredRepositories, renderStatements } from '@tsuzuku/platform-database';

/** Loads every `*.repository.ts` under a service's src/, so their statements are declared. */
export function loadRepositories(srcDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.repository.ts')) found.push(full);
    }
  };
  walk(srcDir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads TypeScript files synchronously through require only
  for (const file of found.sort()) require(file);
  return found;
}

/**
 * Compares the declared SQL of a service's repositories (names starting with `${service}.`)
 * with the files in sqlDir, one per repository. With TSUZUKU_UPDATE_SQL=1 it rewrites the files
 * (and removes those of repositories that no longer exist) and reports nothing. Answers one line
 * per difference: a changed, missing or stale file.
 */
export function sqlSnapshotDifferences(service: string, sqlDir: string): string[] {
  const update = process.env['TSUZUKU_UPDATE_SQL'] === '1';
  const repositories = declaredRepositories(`${service}.`);
  const differences: string[] = [];
  if (update) mkdirSync(sqlDir, { recursive: true });
  const expected = new Set<string>();
  for (const repository of repositories) {
    const file = path.join(sqlDir, `${repository}.sql`);
    expected.add(path.basename(file));
    const text = renderStatements(repository);
    if (update) writeFileSync(file, text);
    else if (!existsSync(file))
      differences.push(`${path.basename(file)}: missing (run with TSUZUKU_UPDATE_SQL=1)`);
    else if (readFileSync(file, 'utf8') !== text)
      differences.push(
        `${path.basename(file)}: differs from the repository's statements (run with TSUZUKU_UPDATE_SQL=1 and review)`,
      );
  }
  if (existsSync(sqlDir))
    for (const entry of readdirSync(sqlDir).filter((name) => name.endsWith('.sql') && !expected.has(name))) {
      if (update) rmSync(path.join(sqlDir, entry));
      else differences.push(`${entry}: no repository declares it any more`);
    }
  return differences;
}
