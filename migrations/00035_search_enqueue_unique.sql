-- The outbox's once-per-record-and-transaction check, by index instead of by scan.
--
-- search_enqueue used to look for a job it had already added in this transaction with
-- `args @> payload AND xmin = <this transaction>`: a scan of River's GIN index on args whose
-- cost grows with every search_index job River keeps (completed jobs stay a day), about 2.5 ms
-- a write with 60 000 of them. Now each job carries River's unique key, the SHA-256 of the record
-- and the transaction, unique while the job is available (River's partial unique index
-- river_job_unique_idx), and a second insert for the same record in the same transaction does
-- nothing. The key names the transaction, so no later job can ever collide with it, whatever
-- states River moves it through.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION search_enqueue(record_type text, record_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF record_id IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags,
                           unique_key, unique_states)
    VALUES (jsonb_build_object('type', record_type, 'id', record_id), 'search_index', 25, 2, 'search',
            'available', now(), '{}', '{}',
            sha256(convert_to(concat_ws(':', 'search_index', record_type, record_id, pg_current_xact_id()), 'UTF8')),
            B'00000001') -- available only (river_job_state_in_bitmask: bit 7)
    ON CONFLICT (unique_key)
        WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL AND river_job_state_in_bitmask(unique_states, state)
        DO NOTHING;
END;
$$;
-- +goose StatementEnd

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
    VALUES (payload, 'search_index', 25, 2, 'search', 'available', now(), '{}', '{}');
END;
$$;
-- +goose StatementEnd
