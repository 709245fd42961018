-- pgbench script: the SQL of one complaint filing (models.CreateComplaint with the deadline job
-- workflows.FileComplaint adds), statement for statement and in the same order, in one
-- transaction. The yardstick for BenchmarkFileComplaint: what Postgres alone achieves for the
-- writes a filing makes, without HTTP, JSON, GORM or the token and party lookups before the
-- transaction.
--
-- Needs a database migrated and seeded by the real binary (`portal migrate`, `portal seed`): the
-- demo consumer, the demo merchant and platform, the jurisdiction 330106, River's tables. scripts/bench.sh
-- runs it as
--   pgbench -n -c 16 -j 2 -T 15 -f scripts/bench/file_complaint.sql "$url"
-- pgbench substitutes :variables textually (also inside quotes): the script runs in pgbench's
-- default simple protocol, one round trip per statement, as the portal makes one per statement.

\set cents random(100, 999999)
\set order random(1, 99999999)

BEGIN;

-- The complaint number; the id the portal makes in Go (a UUIDv7, here a random UUID); the
-- complainant, whom the portal already knows from the token.
SELECT nextval('complaint_number_seq') AS seq, gen_random_uuid() AS id,
    (SELECT id FROM users WHERE email = 'consumer@demo.portal') AS consumer \gset

INSERT INTO complaints (id, number, complainant_id, respondent_id, platform_id, order_ref, listing_id, listing_url,
    product_id, category, amount, currency, description, request, status, version, jurisdiction, deadlines,
    created_at, updated_at)
VALUES (':id', 'CP-2026-' || lpad(':seq', 6, '0'), ':consumer', 'demo-merchant', 'demo-platform', 'ORD-:order', NULL,
    'https://shop.example.com/item/1', NULL, 'quality', :cents / 100.0, 'CNY', '充电宝使用两天后外壳鼓包发烫。', '退货退款',
    'filed', 1, '330106', jsonb_build_object('respond_by', now() + interval '14 days'), now(), now());

-- The first step of its timeline, and the notice to the merchant.
INSERT INTO workflow_events (kind, record_id, action, actor_id, relation, from_state, to_state, payload)
VALUES ('complaints', ':id', 'file', ':consumer', 'complainant', '', 'filed', '{}');

INSERT INTO notifications (recipient_type, recipient_id, kind, record_id, event)
VALUES ('party', 'demo-merchant', 'complaints', ':id', 'file');

-- The audit record (models/audit.go): appended unlinked, with no lock; the sequencer job
-- (models.LinkAudit) chains it after commit.
INSERT INTO audit_records (at, actor_id, action, object_type, object_id, before, after)
VALUES (now(), ':consumer', 'complaints.file', 'complaints', ':id', NULL,
    ('{"amount":"' || (:cents / 100.0)::numeric(14, 2) || '","category":"quality","currency":"CNY","number":"CP-2026-'
        || lpad(':seq', 6, '0') || '","respondent_id":"demo-merchant"}')::json);

-- The respond_by deadline job, as River inserts it (kind workflow_deadline, scheduled, unique
-- by kind and args).
INSERT INTO river_job (args, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags, unique_key, unique_states)
SELECT j.args, 'workflow_deadline', 25, '{}', 1, 'default', j.due, 'scheduled', '{}',
    sha256(convert_to('&kind=workflow_deadline&args=' || j.args::text, 'UTF8')), B'11110101'
FROM (SELECT jsonb_build_object('workflow', 'complaints', 'record_id', ':id', 'deadline', 'respond_by',
    'due', now() + interval '14 days') AS args, now() + interval '14 days' AS due) j
ON CONFLICT (unique_key)
    WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL AND river_job_state_in_bitmask(unique_states, state)
    DO UPDATE SET kind = river_job.kind
RETURNING id, (xmax != 0) AS unique_skipped_as_duplicate;

COMMIT;
