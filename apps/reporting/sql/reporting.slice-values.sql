-- Generated from the repository's declared statements: do not edit; update with
-- TSUZUKU_UPDATE_SQL=1 and review the diff.

-- reporting.slice-values.known
SELECT $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
         WHERE workspace_id = $1 AND lower(segment) = lower($2)) AS segment,
       $3::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
         WHERE workspace_id = $1 AND lower(owner) = lower($3)) AS owner,
       $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
         WHERE workspace_id = $1 AND lower(plan) = lower($4)) AS plan;
