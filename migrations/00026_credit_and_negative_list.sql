-- Credit (Art. 20, 31, 32): good marks beside the bad, certifications by authorities, and the
-- negative list with its appeals. Everything here is public except who decided.

-- +goose Up
ALTER TABLE credit_records DROP CONSTRAINT credit_records_reason_check;
ALTER TABLE credit_records ADD CONSTRAINT credit_records_reason_check CHECK (reason IN (
    'complaint_upheld', 'claim_approved_by_silence', 'award_against', 'award_non_compliance',
    'inspection_failed', 'measure_ignored',
    'complaint_settled_in_time', 'measure_complied'));

-- Grades given by authorities (customs AEO, inspection, tax, market supervision), entered by inspectors.
CREATE TABLE certifications (
    id          bigserial PRIMARY KEY,
    party_id    text NOT NULL REFERENCES parties (id),
    authority   text NOT NULL CHECK (authority IN ('customs', 'inspection', 'tax', 'market_supervision')),
    grade       text NOT NULL CHECK (length(grade) BETWEEN 1 AND 50),
    valid_from  date NOT NULL,
    valid_until date NOT NULL CHECK (valid_until >= valid_from),
    entered_by  text NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX certifications_party_idx ON certifications (party_id, valid_until DESC);

CREATE TABLE negative_list_entries (
    id          text PRIMARY KEY,
    party_id    text NOT NULL REFERENCES parties (id),
    basis       text NOT NULL CHECK (basis IN ('repeated_non_compliance', 'low_score', 'decision')),
    reason      text NOT NULL,
    entered_by  text NOT NULL,              -- a user id, or "system" for a rule
    entered_at  timestamptz NOT NULL DEFAULT now(),
    exited_at   timestamptz,
    exit_reason text
);
CREATE UNIQUE INDEX negative_list_active_key ON negative_list_entries (party_id) WHERE exited_at IS NULL;

CREATE TABLE negative_list_appeals (
    id              text PRIMARY KEY,
    entry_id        text NOT NULL REFERENCES negative_list_entries (id),
    grounds         text NOT NULL CHECK (length(grounds) BETWEEN 1 AND 5000),
    filed_by        text NOT NULL REFERENCES users (id),
    filed_at        timestamptz NOT NULL DEFAULT now(),
    decision        text CHECK (decision IN ('granted', 'denied')),
    decision_reason text,
    decided_by      text REFERENCES users (id),
    decided_at      timestamptz
);
CREATE UNIQUE INDEX negative_list_appeals_open_key ON negative_list_appeals (entry_id) WHERE decision IS NULL;

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'public', '*', 'credit', 'read', '*'),
    ('p', 'public', '*', 'negative_list', 'read', '*'),
    ('p', 'inspector', '*', 'certification', 'create', '*'),
    ('p', 'inspector', '*', 'negative_list', 'create', '*'),
    ('p', 'merchant', '*', 'appeal', 'create', '*'),
    ('p', 'platform', '*', 'appeal', 'create', '*'),
    ('p', 'admin', '*', 'appeal', 'decide', '*'),
    ('p', 'admin', '*', 'appeal', 'read', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 IN ('credit', 'negative_list', 'certification', 'appeal');
DROP TABLE negative_list_appeals;
DROP TABLE negative_list_entries;
DROP TABLE certifications;
ALTER TABLE credit_records DROP CONSTRAINT credit_records_reason_check;
ALTER TABLE credit_records ADD CONSTRAINT credit_records_reason_check CHECK (reason IN ('complaint_upheld',
    'award_against', 'award_non_compliance', 'inspection_failed', 'measure_ignored'));
