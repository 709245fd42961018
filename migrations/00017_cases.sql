-- Online arbitration cases (仲裁): CIETAC online arbitration rules and the PRC Arbitration Law (2025).

-- +goose Up
CREATE SEQUENCE case_number_seq;

CREATE TABLE cases (
    id            text PRIMARY KEY,
    number        text NOT NULL UNIQUE,
    claimant_id   text NOT NULL REFERENCES users (id),
    respondent_id text NOT NULL REFERENCES parties (id),
    complaint_id  text REFERENCES complaints (id),
    amount        numeric(14, 2) NOT NULL CHECK (amount >= 0),
    currency      char(3) NOT NULL,
    claim         text NOT NULL CHECK (length(claim) BETWEEN 1 AND 10000),
    agreement     text NOT NULL CHECK (length(agreement) BETWEEN 1 AND 5000),
    procedure     text NOT NULL CHECK (procedure IN ('summary', 'ordinary')),
    secretary_id  text REFERENCES users (id),
    arbitrator_id text REFERENCES users (id),
    defence       jsonb,
    hearing       jsonb,
    award         jsonb,
    outcome       jsonb,          -- rejection, settlement, compliance
    published_at  timestamptz,
    -- Workflow columns, the same on every workflow table.
    jurisdiction  text NOT NULL REFERENCES jurisdictions (code),
    status        text NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    deadlines     jsonb NOT NULL DEFAULT '{}',
    paused_at     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_claimant_idx ON cases (claimant_id, id);
CREATE INDEX cases_respondent_idx ON cases (respondent_id, id);
CREATE INDEX cases_arbitrator_idx ON cases (arbitrator_id, id);
CREATE INDEX cases_published_idx ON cases (published_at DESC) WHERE published_at IS NOT NULL;

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'consumer', '*', 'case', 'create', '*'),
    ('p', 'user', '*', 'case', 'list', '*'),
    ('p', 'user', '*', 'case', 'act', '*'),
    ('p', 'public', '*', 'ruling', 'read', '*'),
    ('p', 'claimant', '*', 'case', 'read', '*'),
    ('p', 'claimant', '*', 'case', 'report_non_compliance', 'awarded'),
    ('p', 'claimant', '*', 'case', 'report_non_compliance', 'published'),
    ('p', 'claimant', '*', 'case', 'withdraw', '*'),
    ('p', 'respondent', '*', 'case', 'read', '*'),
    ('p', 'respondent', '*', 'case', 'submit_defence', 'accepted'),
    ('p', 'respondent', '*', 'case', 'record_compliance', 'awarded'),
    ('p', 'respondent', '*', 'case', 'record_compliance', 'published'),
    ('p', 'secretary', '*', 'case', 'read', '*'),
    ('p', 'secretary', '*', 'case', 'accept', 'filed'),
    ('p', 'secretary', '*', 'case', 'reject', 'filed'),
    ('p', 'secretary', '*', 'case', 'appoint', 'defence_filed'),
    ('p', 'appointed_arbitrator', '*', 'case', 'read', '*'),
    ('p', 'appointed_arbitrator', '*', 'case', 'schedule_hearing', 'tribunal_formed'),
    ('p', 'appointed_arbitrator', '*', 'case', 'close_hearing', 'hearing'),
    ('p', 'appointed_arbitrator', '*', 'case', 'issue_award', 'deliberation'),
    ('p', 'appointed_arbitrator', '*', 'case', 'publish', 'awarded'),
    ('p', 'appointed_arbitrator', '*', 'case', 'settle', '*'),
    ('p', 'administrator', '*', 'case', 'read', '*'),
    ('p', 'system', '*', 'case', 'submit_defence', 'accepted'),
    -- The parties and the tribunal exchange messages and evidence throughout.
    ('p', 'claimant', '*', 'case', 'message', '*'),
    ('p', 'claimant', '*', 'case', 'evidence', '*'),
    ('p', 'respondent', '*', 'case', 'message', '*'),
    ('p', 'respondent', '*', 'case', 'evidence', '*'),
    ('p', 'secretary', '*', 'case', 'message', '*'),
    ('p', 'appointed_arbitrator', '*', 'case', 'message', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 IN ('case', 'ruling');
DROP TABLE cases;
DROP SEQUENCE case_number_seq;
