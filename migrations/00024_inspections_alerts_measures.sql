-- Inspections, risk alerts, measures (处置措施) and investigations handed to a jurisdiction
-- (属地查处). Measures and investigations are workflows: they carry the shared workflow columns.

-- +goose Up
CREATE SEQUENCE alert_number_seq;
CREATE SEQUENCE measure_number_seq;
CREATE SEQUENCE investigation_number_seq;

CREATE TABLE inspections (
    id           text PRIMARY KEY,
    product_id   text NOT NULL REFERENCES products (id),
    batch_id     text REFERENCES batches (id),
    listing_id   text REFERENCES listings (id),
    kind         text NOT NULL CHECK (kind IN ('online_purchase', 'port', 'market')),
    sampled_at   timestamptz NOT NULL,
    lab_id       text REFERENCES parties (id),
    items        jsonb NOT NULL,       -- [{name, standard, value, unit, limit, verdict}]
    conclusion   text NOT NULL CHECK (conclusion IN ('conformant', 'non_conformant')),
    report_no    text NOT NULL DEFAULT '',
    jurisdiction text REFERENCES jurisdictions (code),
    created_by   text NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspections_product_idx ON inspections (product_id, sampled_at DESC);
CREATE INDEX inspections_listing_idx ON inspections (listing_id);

CREATE TABLE alerts (
    id            text PRIMARY KEY,
    number        text NOT NULL UNIQUE,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    level         text NOT NULL CHECK (level IN ('low', 'medium', 'high', 'serious')),
    hazards       text[] NOT NULL DEFAULT '{}',
    product_ids   text[] NOT NULL DEFAULT '{}',
    gtins         text[] NOT NULL DEFAULT '{}',
    batch_ids     text[] NOT NULL DEFAULT '{}',
    description   text NOT NULL DEFAULT '',
    measures      text[] NOT NULL DEFAULT '{}',   -- the measures the alert calls for
    public        boolean NOT NULL DEFAULT false,
    source        text NOT NULL CHECK (source IN ('inspection', 'complaints', 'safety_gate', 'cpsc', 'internal')),
    source_ref    text NOT NULL DEFAULT '',       -- the inspection id, or the external alert number
    brand         text NOT NULL DEFAULT '',       -- for matching external alerts by brand and model
    model         text NOT NULL DEFAULT '',
    country       text NOT NULL DEFAULT '',       -- origin country as the source gives it
    external      jsonb,                          -- the imported row as read
    jurisdiction  text REFERENCES jurisdictions (code),
    created_by    text REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alerts_source_ref_key ON alerts (source, source_ref) WHERE source IN ('safety_gate', 'cpsc');
CREATE INDEX alerts_public_idx ON alerts (created_at DESC) WHERE public;
CREATE INDEX alerts_gtins_idx ON alerts USING gin (gtins);

CREATE TABLE measures (
    id              text PRIMARY KEY,
    number          text NOT NULL UNIQUE,
    kind            text NOT NULL CHECK (kind IN ('delist', 'sales_ban', 'withdrawal', 'recall', 'destruction', 'import_rejection')),
    alert_id        text REFERENCES alerts (id),
    target_party_id text NOT NULL REFERENCES parties (id),
    listing_id      text REFERENCES listings (id),
    deadline        timestamptz NOT NULL,
    basis           text NOT NULL CHECK (length(basis) BETWEEN 1 AND 5000),
    proof           jsonb,
    issued_by       text NOT NULL REFERENCES users (id),
    jurisdiction    text NOT NULL REFERENCES jurisdictions (code),
    status          text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    deadlines       jsonb NOT NULL DEFAULT '{}',
    paused_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measures_target_idx ON measures (target_party_id, id);
CREATE INDEX measures_jurisdiction_idx ON measures (jurisdiction, status, id);

CREATE TABLE investigations (
    id           text PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    subject_type text NOT NULL CHECK (subject_type IN ('listing', 'product', 'party', 'inspection', 'alert', 'complaint')),
    subject_id   text NOT NULL,
    reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
    assignee_id  text REFERENCES users (id),
    findings     text NOT NULL DEFAULT '',
    outcome      text NOT NULL DEFAULT '',
    opened_by    text NOT NULL REFERENCES users (id),
    jurisdiction text NOT NULL REFERENCES jurisdictions (code),
    status       text NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    deadlines    jsonb NOT NULL DEFAULT '{}',
    paused_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX investigations_jurisdiction_idx ON investigations (jurisdiction, status, id);

-- Every hand-off to a jurisdiction, the first and each transfer: who, from where, to where, why.
CREATE TABLE handoffs (
    id                bigserial PRIMARY KEY,
    investigation_id  text NOT NULL REFERENCES investigations (id),
    from_jurisdiction text REFERENCES jurisdictions (code),
    to_jurisdiction   text NOT NULL REFERENCES jurisdictions (code),
    reason            text NOT NULL,
    by_user           text NOT NULL REFERENCES users (id),
    at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoffs_investigation_idx ON handoffs (investigation_id, id);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'inspector', '*', 'inspection', 'create', '*'),
    ('p', 'inspector', '*', 'inspection', 'read', '*'),
    ('p', 'admin', '*', 'inspection', 'read', '*'),
    ('p', 'inspector', '*', 'alert', 'create', '*'),
    ('p', 'inspector', '*', 'alert', 'read', '*'),
    ('p', 'admin', '*', 'alert', 'create', '*'),
    ('p', 'admin', '*', 'alert', 'read', '*'),
    ('p', 'public', '*', 'public_alert', 'read', '*'),
    ('p', 'inspector', '*', 'measure', 'create', '*'),
    ('p', 'user', '*', 'measure', 'list', '*'),
    ('p', 'user', '*', 'measure', 'act', '*'),
    ('p', 'inspector', '*', 'handoff', 'create', '*'),
    ('p', 'admin', '*', 'handoff', 'create', '*'),
    ('p', 'user', '*', 'investigation', 'list', '*'),
    ('p', 'user', '*', 'investigation', 'act', '*'),
    -- measures: the inspectors of the issuing jurisdiction, and the staff of the target party
    ('p', 'jurisdiction_inspector', '*', 'measure', 'read', '*'),
    ('p', 'jurisdiction_inspector', '*', 'measure', 'verify', 'complied'),
    ('p', 'jurisdiction_inspector', '*', 'measure', 'message', '*'),
    ('p', 'jurisdiction_inspector', '*', 'measure', 'evidence', '*'),
    ('p', 'target', '*', 'measure', 'read', '*'),
    ('p', 'target', '*', 'measure', 'comply', 'issued'),
    ('p', 'target', '*', 'measure', 'comply', 'overdue'),
    ('p', 'target', '*', 'measure', 'message', '*'),
    ('p', 'target', '*', 'measure', 'evidence', '*'),
    ('p', 'administrator', '*', 'measure', 'read', '*'),
    ('p', 'system', '*', 'measure', 'overdue', 'issued'),
    -- investigations: only the inspectors of the jurisdiction it was handed to
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'read', '*'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'take', 'open'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'close', 'investigating'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'transfer', 'open'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'transfer', 'investigating'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'message', '*'),
    ('p', 'jurisdiction_inspector', '*', 'investigation', 'evidence', '*'),
    ('p', 'administrator', '*', 'investigation', 'read', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 IN ('inspection', 'alert', 'public_alert', 'measure', 'handoff', 'investigation');
DROP TABLE handoffs;
DROP TABLE investigations;
DROP TABLE measures;
DROP TABLE alerts;
DROP TABLE inspections;
DROP SEQUENCE investigation_number_seq;
DROP SEQUENCE measure_number_seq;
DROP SEQUENCE alert_number_seq;
