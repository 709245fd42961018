-- pgbench script: the SQL of one complaint filing (models.Store.File: the complaint, its first
-- step, notice, deadline job and audit record), in one statement as the portal writes it. The yardstick for BenchmarkFileComplaint: what Postgres alone achieves for the
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

-- The complaint with the first step of its timeline, the notice to the merchant, the respond_by
-- deadline's River job (deadline_jobs.go) and the audit record (appended unlinked, with no lock;
-- the sequencer job, models.LinkAudit, chains it after commit): one statement, as
-- models.Store.File writes it (insertNumbered, stepSQL). The id
-- the portal makes in Go (a UUIDv7) is here a random UUID; the complainant the portal knows from
-- the token, pgbench looks up. The portal answers the whole row (SELECT * FROM rec).
WITH rec AS (INSERT INTO complaints (number, created_at, updated_at, id, complainant_id, respondent_id, platform_id,
        order_ref, listing_id, listing_url, product_id, category, amount, currency, description, request, status,
        version, jurisdiction, deadlines)
    VALUES ((SELECT 'CP-2026-' || lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval('complaint_number_seq') AS n),
        now(), now(), gen_random_uuid(),
        (SELECT id FROM users WHERE email = 'consumer@demo.portal'), 'demo-merchant', 'demo-platform', 'ORD-:order',
        NULL, 'https://shop.example.com/item/1', NULL, 'quality', :cents / 100.0, 'CNY', '充电宝使用两天后外壳鼓包发烫。', '退货退款',
        'filed', 1, '330106', jsonb_build_object('respond_by', now() + interval '14 days'))
    RETURNING *),
step AS (INSERT INTO workflow_events (kind, record_id, action, actor_id, relation, from_state, to_state, payload)
    SELECT 'complaints', id, 'file', complainant_id, 'complainant', '', 'filed', '{}'::jsonb FROM rec),
notices AS (INSERT INTO notifications (recipient_type, recipient_id, kind, record_id, event)
    SELECT n.type, n.id, 'complaints', rec.id, 'file' FROM rec, (VALUES ('party', 'demo-merchant')) AS n(type, id)),
deadline_jobs AS (INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags,
        unique_key, unique_states)
    SELECT j.args, 'workflow_deadline', 25, 1, 'default', 'scheduled', j.at, '{}', '{}',
        sha256(convert_to('workflow_deadline:' || j.args::text, 'UTF8')), B'11110101'
    FROM rec, LATERAL (SELECT jsonb_build_object('workflow', 'complaints', 'record_id', rec.id, 'deadline', 'respond_by',
        'due', now() + interval '14 days', 'version', 1) AS args, now() + interval '14 days' AS at) j
    ON CONFLICT (unique_key)
        WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL AND river_job_state_in_bitmask(unique_states, state)
        DO NOTHING),
audited AS (INSERT INTO audit_records (actor_id, action, object_type, object_id, before, after)
    SELECT complainant_id, 'complaints.file', 'complaints', id, NULL::json,
        json_build_object('amount', rec.amount::text, 'category', rec.category, 'currency', rec.currency,
            'number', rec.number, 'respondent_id', rec.respondent_id) FROM rec)
SELECT * FROM rec;
