-- pgbench script: the SQL of the merchant's respond to a complaint (POST .../actions/respond), as
-- the portal sends it: the engine's load of the record (workflows.Engine.Open), then the one
-- statement of the action (models.ApplyTransition, stepSQL) that updates the complaint at the
-- version it was read at and inserts its timeline entry, the notice to the complainant and the
-- audit record from the updated row. The yardstick for BenchmarkComplaintAction: what Postgres
-- alone achieves for an action, without HTTP, JSON, GORM, the policy or the token lookup.
--
-- Runs on the complaints scripts/bench/file_complaint.sql filed, each transaction on a complaint
-- of its own: the sequence pgbench_respond_pick, which scripts/bench.sh starts at the first number
-- that script filed, hands out their numbers in turn. scripts/bench.sh
-- runs it as
--   pgbench -n -c 50 -j 2 -t N -f scripts/bench/respond_complaint.sql "$url"
-- The portal finds the complaint by its id; pgbench only knows the numbers, so its load is by number.

SELECT * FROM complaints
WHERE number = (SELECT 'CP-2026-' || lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval('pgbench_respond_pick') AS n) \gset c_

WITH rec AS (UPDATE complaints SET status = 'offered', version = :c_version + 1, deadlines = '{}', updated_at = now(),
        offer = '{"remedy":"refund","amount":"129.90","message":"全额退款"}'
    WHERE id = ':c_id' AND version = :c_version RETURNING *),
step AS (INSERT INTO workflow_events (kind, record_id, action, actor_id, relation, from_state, to_state, payload)
    SELECT 'complaints', id, 'respond', 'demo-merchant-user', 'respondent', 'filed', 'offered',
        '{"remedy":"refund","amount":"129.90","message":"全额退款"}'::jsonb FROM rec),
notices AS (INSERT INTO notifications (recipient_type, recipient_id, kind, record_id, event)
    SELECT n.type, n.id, 'complaints', rec.id, 'respond' FROM rec, (VALUES ('user', ':c_complainant_id')) AS n(type, id)),
audited AS (INSERT INTO audit_records (actor_id, action, object_type, object_id, before, after)
    SELECT 'demo-merchant-user', 'complaints.respond', 'complaints', id, '{"status":"filed","version":1}'::json,
        '{"payload":{"remedy":"refund","amount":"129.90","message":"全额退款"},"status":"offered","version":2}'::json FROM rec)
SELECT * FROM rec;
