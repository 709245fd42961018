-- The audit chain leaves the write path.
--
-- Until now every audited write took one advisory lock, read the last record's hash and chained
-- its own record to it before commit, so all audited writes of the portal queued behind each
-- other until commit. Now a write only appends its record (content, no hash: a plain INSERT, no
-- lock), and the sequencer (models.LinkAudit, a River job every second, and before every
-- verification) links the records that have committed since, in the order it finds them:
-- chain_seq numbers the chain, prev_hash is the hash of the record before in that order, hash
-- covers the content and prev_hash (models/audit.go computeHash). A rolled-back write leaves no
-- record, so the chain has no gaps to explain; ids may be out of chain order, chain_seq never is.
--
-- The table stays append-only: the one update allowed fills the three chain columns of a record
-- that has none yet, and changes nothing else.

-- +goose Up
ALTER TABLE audit_records ADD COLUMN chain_seq bigint;
ALTER TABLE audit_records ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_records ALTER COLUMN hash DROP NOT NULL;

-- The records chained so far were chained in id order (ids have gaps where writes rolled back;
-- chain_seq has none).
ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_update;
UPDATE audit_records a SET chain_seq = o.seq
FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM audit_records) o WHERE a.id = o.id;
ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_update;

CREATE UNIQUE INDEX audit_records_chain_idx ON audit_records (chain_seq);
-- The sequencer's queue: records not linked yet.
CREATE INDEX audit_records_unlinked_idx ON audit_records (id) WHERE chain_seq IS NULL;
ALTER TABLE audit_records ADD CONSTRAINT audit_records_linked_whole
    CHECK ((chain_seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL));

-- +goose StatementBegin
CREATE FUNCTION audit_records_link_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id = OLD.actor_id
       AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id
       AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text
       AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

DROP TRIGGER audit_records_no_update ON audit_records;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_link_only();

-- +goose Down
DROP TRIGGER audit_records_no_update ON audit_records;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
DROP FUNCTION audit_records_link_only();
ALTER TABLE audit_records DROP CONSTRAINT audit_records_linked_whole;
DROP INDEX audit_records_unlinked_idx;
DROP INDEX audit_records_chain_idx;
ALTER TABLE audit_records DROP COLUMN chain_seq;
-- Records appended since the Up cannot be chained by the old rules here; refuse rather than lose them.
ALTER TABLE audit_records ALTER COLUMN prev_hash SET NOT NULL;
ALTER TABLE audit_records ALTER COLUMN hash SET NOT NULL;
