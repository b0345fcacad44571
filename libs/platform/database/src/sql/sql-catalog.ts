import { createHash } from 'node:crypto';

/**
 * Every SQL statement a repository runs, by repository and name. Repositories declare their
 * statements once, at module load, with `defineStatements`; a snapshot test per service renders
 * the catalog to files under version control (apps/<service>/sql/<repository>.sql), so a change
 * to a query shows in review as a change to that file.
 */
const catalog = new Map<string, Readonly<Record<string, string>>>();

/** The name each declared statement is prepared under on a connection (see preparedStatementName). */
const preparedNames = new Map<string, string>();

/**
 * Declares the statements of one repository (its name is the file the snapshot writes, e.g.
 * 'alerting.rules'). Statements built from parts (a column list, a recordset) are still
 * constants: build them here, at module load, never per call. A statement that varies per call
 * (optional filters) declares one representative form per variant under its own name.
 */
export function defineStatements<const T extends Record<string, string>>(
  repository: string,
  statements: T,
): T {
  const known = catalog.get(repository);
  if (known !== undefined && known !== statements) {
    const same =
      Object.keys(known).length === Object.keys(statements).length &&
      Object.entries(statements).every(([name, text]) => known[name] === text);
    if (!same) throw new Error(`SQL statements of repository ${repository} are declared twice`);
  }
  catalog.set(repository, Object.freeze({ ...statements }));
  for (const text of Object.values(statements))
    preparedNames.set(text, `tz_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`);
  return statements;
}

/**
 * The name a declared statement is prepared under, undefined for any other text. Postgres parses
 * and plans an unnamed statement at every execution; a named one once per connection (and, after
 * a few runs, keeps a generic plan). Only declared texts are named: a constant set, so every
 * connection prepares at most one statement per entry of the catalog.
 */
export function preparedStatementName(text: string): string | undefined {
  return preparedNames.get(text);
}

/** The repositories declared so far whose name starts with the prefix (e.g. 'alerting.'). */
export function declaredRepositories(prefix = ''): string[] {
  return [...catalog.keys()].filter((name) => name.startsWith(prefix)).sort();
}

/** One repository's statements as the text of its snapshot file. */
export function renderStatements(repository: string): string {
  const statements = catalog.get(repository);
  if (statements === undefined) throw new Error(`no SQL statements declared for ${repository}`);
  const parts = Object.keys(statements)
    .sort()
    .map((name) => `-- ${repository}.${name}\n${normalise(statements[name]!)};\n`);
  return `-- Generated from the repository's declared statements: do not edit; update with\n-- TSUZUKU_UPDATE_SQL=1 and review the diff.\n\n${parts.join('\n')}`;
}

/**
 * Trims trailing space and surrounding blank lines, and removes the indentation the statement
 * has in its source file (a statement written inline after the backtick keeps its first line).
 */
function normalise(text: string): string {
  const lines = text.split('\n').map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indentOf = (line: string): number => line.length - line.trimStart().length;
  const measured = lines.filter((line, index) => line.trim() !== '' && (index > 0 || indentOf(line) > 0));
  const cut = measured.length === 0 ? 0 : Math.min(...measured.map(indentOf));
  return lines.map((line) => line.slice(Math.min(cut, indentOf(line)))).join('\n');
}
