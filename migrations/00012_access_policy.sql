-- The access policy (Casbin, through gorm-adapter) and its default rules.
-- Model: models/policy_model.conf. p = role, jurisdiction, object kind, action, workflow state.
-- g = role inheritance within a jurisdiction pattern.

-- +goose Up
CREATE TABLE casbin_rule (
    id    bigserial PRIMARY KEY,
    ptype varchar(100) NOT NULL DEFAULT '',
    v0    varchar(100) NOT NULL DEFAULT '',
    v1    varchar(100) NOT NULL DEFAULT '',
    v2    varchar(100) NOT NULL DEFAULT '',
    v3    varchar(100) NOT NULL DEFAULT '',
    v4    varchar(100) NOT NULL DEFAULT '',
    v5    varchar(100) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

-- Every change to the policy, by the API or by hand, tells running portals to reload it.
-- +goose StatementBegin
CREATE FUNCTION casbin_rule_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('policy_changed', '');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER casbin_rule_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON casbin_rule
    FOR EACH STATEMENT EXECUTE FUNCTION casbin_rule_notify();

-- Role inheritance: every signed-in role is a "user", and every user may do what the public may.
INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES
    ('g', 'user', 'public', '*'),
    ('g', 'consumer', 'user', '*'),
    ('g', 'merchant', 'user', '*'),
    ('g', 'platform', 'user', '*'),
    ('g', 'inspector', 'user', '*'),
    ('g', 'arbitrator', 'user', '*'),
    ('g', 'admin', 'user', '*');

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    -- Anyone, signed in or not.
    ('p', 'public', '*', 'system', 'read', '*'),
    ('p', 'public', '*', 'jurisdiction', 'read', '*'),
    ('p', 'public', '*', 'page', 'read', '*'),
    ('p', 'public', '*', 'asset', 'read', '*'),
    ('p', 'public', '*', 'account', 'register', '*'),
    ('p', 'public', '*', 'account', 'login', '*'),
    ('p', 'public', '*', 'account', 'language', '*'),
    -- Every signed-in user.
    ('p', 'user', '*', 'account', 'read', '*'),
    ('p', 'user', '*', 'account', 'logout', '*'),
    -- The zone's management office.
    ('p', 'admin', '*', 'user', 'read', '*'),
    ('p', 'admin', '*', 'user', 'create', '*'),
    ('p', 'admin', '*', 'policy', 'read', '*'),
    ('p', 'admin', '*', 'policy', 'create', '*'),
    ('p', 'admin', '*', 'policy', 'delete', '*'),
    ('p', 'admin', '*', 'audit', 'read', '*');

-- +goose Down
DROP TABLE casbin_rule;
DROP FUNCTION casbin_rule_notify();
