-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.band-changes.distribution
SELECT to_char(p.day, 'YYYY-MM-DD') AS date, b.band, count(*)::int AS accounts
FROM generate_series($2::timestamp, $3::timestamp, $4::interval) AS p(day)
CROSS JOIN LATERAL (
  SELECT DISTINCT ON (account_id) account_id, band FROM reporting.band_changes
  WHERE workspace_id = $1 AND occurred_at < (p.day + interval '1 day') AT TIME ZONE 'UTC'
  ORDER BY account_id, occurred_at DESC, event_id DESC
) b
GROUP BY p.day, b.band ORDER BY p.day;

-- reporting.band-changes.insert
INSERT INTO reporting.band_changes (event_id, workspace_id, account_id, occurred_at, band)
SELECT id, ws, account, at, band
FROM jsonb_to_recordset($1::jsonb) AS r(id text, ws text, account text, at timestamptz, band text)
ON CONFLICT DO NOTHING;
