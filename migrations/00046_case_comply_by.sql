-- Awards issued before the time to comply existed (issue 12) get it now, 15 days from their
-- issue, so that their claimants can report non-compliance once it is over (a dismissed award
-- ordered nothing and gets none).

-- +goose Up
UPDATE cases SET deadlines = deadlines || jsonb_build_object('comply_by',
        to_char(((award->>'issued_at')::timestamptz + interval '15 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
WHERE status IN ('awarded', 'published') AND award IS NOT NULL AND award->>'outcome' <> 'dismissed'
  AND award->>'issued_at' IS NOT NULL AND NOT (deadlines ? 'comply_by');

-- +goose Down
SELECT 1;
