/** One CSV field: quoted when it holds a comma, a quote or a line break; null is empty. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV with a header line. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns, ...rows.map((r) => columns.map((c) => r[c]))]
    .map((line) => line.map(field).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/** Whether the client asked for CSV rather than JSON. */
export const wantsCsv = (accept: string | undefined): boolean => /\btext\/csv\b/i.test(accept ?? '');
