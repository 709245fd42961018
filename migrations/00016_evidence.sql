-- Messages and evidence on workflow records (complaints, claims, cases, ...): every kind shares
-- them. Evidence files live on disk, content-addressed under $PORTAL_DATA_DIR/evidence; the rows
-- hold what was uploaded, by whom, and the hash the file must still have when it is served.

-- +goose Up
CREATE TABLE messages (
    id         text PRIMARY KEY,
    kind       text NOT NULL,          -- the workflow: complaints, claims, ...
    record_id  text NOT NULL,
    author_id  text NOT NULL REFERENCES users (id),
    relation   text NOT NULL,          -- how the author stood to the record (complainant, respondent, ...)
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_record_idx ON messages (kind, record_id, id);

CREATE TABLE evidence (
    id           text PRIMARY KEY,
    kind         text NOT NULL,
    record_id    text NOT NULL,
    uploaded_by  text NOT NULL REFERENCES users (id),
    relation     text NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),  -- the original file name, sanitised
    size         bigint NOT NULL CHECK (size > 0),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    sha256       bytea NOT NULL CHECK (octet_length(sha256) = 32),
    storage_path text NOT NULL,        -- relative to the evidence folder: <2 hex>/<64 hex>
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_record_idx ON evidence (kind, record_id, id);

-- Who may post a message or upload evidence to a complaint: both sides, the platform and the
-- office of its jurisdiction, in any state (a closed complaint may still need its papers).
-- The posting routes pass the route-level ('user', 'complaint', 'act') gate like the actions do;
-- a ('user', 'complaint', 'message') row would also grant the relation "admin", which is a role
-- name too and so inherits "user". Downloads have a gate of their own; the record decides the rest.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'user', '*', 'evidence', 'read', '*'),
    ('p', 'complainant', '*', 'complaint', 'message', '*'),
    ('p', 'complainant', '*', 'complaint', 'evidence', '*'),
    ('p', 'respondent', '*', 'complaint', 'message', '*'),
    ('p', 'respondent', '*', 'complaint', 'evidence', '*'),
    ('p', 'platform_operator', '*', 'complaint', 'message', '*'),
    ('p', 'platform_operator', '*', 'complaint', 'evidence', '*'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'message', '*'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'evidence', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'complaint' AND v3 IN ('message', 'evidence');
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'user' AND v2 = 'evidence' AND v3 = 'read';
DROP TABLE evidence;
DROP TABLE messages;
