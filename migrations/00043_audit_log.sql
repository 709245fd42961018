-- The audit trail as a transparency log (issue 12).
--
-- * A record's time is the database's: an INSERT that names `at` (a backdated record) is refused,
--   and the chain columns may not be given either; the sequencer alone fills them.
-- * audit_tree holds the stored hashes of a Merkle tree over the chained records, in chain order
--   (golang.org/x/mod/sumdb/tlog, the Go checksum database's log; the leaf of record n is its
--   chain hash), written by the sequencer with the chain.
-- * audit_checkpoints keeps every signed checkpoint (C2SP signed note, Ed25519): tree size, root
--   hash and time, signed with a key the database never holds (PORTAL_AUDIT_KEY). A record changed,
--   removed or inserted before a checkpoint no longer yields its root; a record dated before the
--   checkpoint that preceded its place in the tree was backdated. Both tables are append-only.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_records_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.at IS NOT NULL THEN
        RAISE EXCEPTION 'audit_records.at is set by the database, not by the writer'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.chain_seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit_records are linked into the chain by the sequencer only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.at := clock_timestamp();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_records_stamp BEFORE INSERT ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_stamp();

CREATE TABLE audit_tree (
    index bigint PRIMARY KEY,  -- tlog.StoredHashIndex
    hash  bytea NOT NULL CHECK (length(hash) = 32)
);
CREATE TABLE audit_checkpoints (
    size      bigint PRIMARY KEY,
    root      bytea NOT NULL CHECK (length(root) = 32),
    note      text NOT NULL,     -- the signed checkpoint, as published
    signed_at timestamptz NOT NULL
);
CREATE TRIGGER audit_tree_no_update BEFORE UPDATE OR DELETE ON audit_tree
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON audit_tree
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ('p', 'public', '*', 'audit_log', 'read', '*')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'audit_log';
DROP TABLE audit_checkpoints;
DROP TABLE audit_tree;
DROP TRIGGER audit_records_stamp ON audit_records;
DROP FUNCTION audit_records_stamp();
