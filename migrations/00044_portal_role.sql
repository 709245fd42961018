-- The portal's own database role (issue 12): the owner of the tables runs the migrations; the
-- portal serves as a role granted portal_app, which reads and writes the portal's tables but may
-- only INSERT and SELECT audit records (naming none of the columns the database sets: the time,
-- the chain), fill the chain columns once (the sequencer; a trigger allows nothing else), and
-- append to the audit tree and checkpoints. Not being the owner, it cannot switch the audit
-- triggers off, alter the tables or take the migrations' place.
--
-- Roles belong to the cluster: portal_app is made once and granted in each database migrated.
-- Tables made by later migrations get the same grants by default; the audit tables' are cut back
-- here (a later migration that adds an audit table must do the same).

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        CREATE ROLE portal_app NOLOGIN;
    END IF;
END
$$;
-- +goose StatementEnd
GRANT USAGE ON SCHEMA public TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO portal_app;

REVOKE INSERT, UPDATE, DELETE ON goose_db_version FROM portal_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_records, audit_tree, audit_checkpoints FROM portal_app;
GRANT INSERT (actor_id, action, object_type, object_id, before, after) ON audit_records TO portal_app;
GRANT UPDATE (chain_seq, prev_hash, hash) ON audit_records TO portal_app;
GRANT INSERT ON audit_tree, audit_checkpoints TO portal_app;

-- +goose Down
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM portal_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM portal_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM portal_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM portal_app;
REVOKE USAGE ON SCHEMA public FROM portal_app;
