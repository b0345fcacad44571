import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACCOUNT_TRAITS_SCHEMA, CS_EVENTS } from '@tsuzuku/contracts';

const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'events.md'), 'utf8');
const section = (heading: string): string => {
  const start = doc.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`docs/events.md has no "### ${heading}"`);
  const end = doc.indexOf('\n#', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};
/** The names in the first column of a markdown table, each in backticks. */
const firstColumnNames = (text: string): Set<string> =>
  new Set(
    text
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)),
  );

describe('the event catalogue in docs/events.md', () => {
  it('lists every event the customer-success spec gives a meaning to, and no other', () => {
    expect([...firstColumnNames(section('Track events'))].sort()).toEqual([...CS_EVENTS].sort());
  });

  it('lists every group trait of the account profile, and no other', () => {
    expect([...firstColumnNames(section('Group traits'))].sort()).toEqual(
      Object.keys(ACCOUNT_TRAITS_SCHEMA.properties).sort(),
    );
  });
});
