-- The audit trail: append-only, each record chained to the one before by SHA-256.

-- +goose Up
CREATE TABLE audit_records (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    text NOT NULL,          -- a user id, or 'system' for the portal itself
    action      text NOT NULL,          -- e.g. 'user.create'
    object_type text NOT NULL,
    object_id   text NOT NULL,
    -- json, not jsonb: the text must stay byte for byte what was hashed.
    before      json,
    after       json,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);
CREATE INDEX audit_records_object_idx ON audit_records (object_type, object_id);

-- +goose StatementBegin
CREATE FUNCTION audit_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_records is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();

-- +goose Down
DROP TABLE audit_records;
DROP FUNCTION audit_records_refuse_change();
