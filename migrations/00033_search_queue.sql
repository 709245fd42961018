-- Search indexing on a queue of its own.
--
-- Indexing jobs mostly wait for Meilisearch, so they get their own River queue ('search', with
-- many workers and a short fetch poll: workflows/jobs.go) and no longer hold the slots of
-- deadlines and statistics on 'default'. The trigger sends no NOTIFY: Postgres serialises the
-- commits of all transactions that notify (one lock per database, held through the commit's
-- flush), which would make every searchable write of the portal wait for the others. The
-- queue's poll finds the jobs within a tenth of a second instead.

-- +goose Up
-- +goose StatementBegin
-- search_enqueue adds one indexing job, once per record and transaction: a second change of the
-- same record in the same transaction finds the job it already added (xmin is this transaction,
-- so no worker can have taken it yet) and adds nothing.
CREATE OR REPLACE FUNCTION search_enqueue(record_type text, record_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload jsonb := jsonb_build_object('type', record_type, 'id', record_id);
BEGIN
    IF record_id IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM river_job
               WHERE kind = 'search_index' AND args @> payload AND state = 'available'
                 AND xmin = pg_current_xact_id()::xid) THEN
        RETURN;
    END IF;
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags)
    VALUES (payload, 'search_index', 25, 2, 'search', 'available', now(), '{}', '{}');
END;
$$;
-- +goose StatementEnd

-- Jobs already waiting move over, so the new queue's workers take them.
UPDATE river_job SET queue = 'search'
WHERE kind = 'search_index' AND queue = 'default' AND state IN ('available', 'scheduled', 'retryable', 'pending');

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_enqueue(record_type text, record_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload jsonb := jsonb_build_object('type', record_type, 'id', record_id);
BEGIN
    IF record_id IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM river_job
               WHERE kind = 'search_index' AND args @> payload AND state = 'available'
                 AND xmin = pg_current_xact_id()::xid) THEN
        RETURN;
    END IF;
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags)
    VALUES (payload, 'search_index', 25, 2, 'default', 'available', now(), '{}', '{}');
END;
$$;
-- +goose StatementEnd

UPDATE river_job SET queue = 'default'
WHERE kind = 'search_index' AND queue = 'search' AND state IN ('available', 'scheduled', 'retryable', 'pending');
