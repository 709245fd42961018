-- Workflows: complaints (投诉), and what every workflow shares: the timeline and notifications.

-- +goose Up
CREATE SEQUENCE complaint_number_seq;

CREATE TABLE complaints (
    id             text PRIMARY KEY,
    number         text NOT NULL UNIQUE,
    complainant_id text NOT NULL REFERENCES users (id),
    respondent_id  text NOT NULL REFERENCES parties (id),
    platform_id    text REFERENCES parties (id),
    -- The office that handles it (SAMR measures Art. 12): where the platform is, else where the respondent is.
    jurisdiction   text NOT NULL REFERENCES jurisdictions (code),
    order_ref      text NOT NULL CHECK (length(order_ref) BETWEEN 1 AND 100),
    listing_id     text,
    listing_url    text NOT NULL DEFAULT '',
    product_id     text,
    category       text NOT NULL CHECK (category IN ('quality', 'not_as_described', 'counterfeit', 'non_delivery', 'after_sales', 'safety', 'other')),
    amount         numeric(14, 2) NOT NULL CHECK (amount >= 0),
    currency       char(3) NOT NULL,
    description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 10000),
    request        text NOT NULL CHECK (length(request) BETWEEN 1 AND 2000),
    offer          jsonb,          -- the merchant's latest offer
    outcome        jsonb,          -- settlement terms, refusal or termination reason
    case_id        text,           -- the arbitration case it went to
    -- Workflow columns, the same on every workflow table.
    status         text NOT NULL,
    version        integer NOT NULL DEFAULT 1,
    deadlines      jsonb NOT NULL DEFAULT '{}',
    paused_at      timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_complainant_idx ON complaints (complainant_id, id);
CREATE INDEX complaints_respondent_idx ON complaints (respondent_id, id);
CREATE INDEX complaints_platform_idx ON complaints (platform_id, id);
CREATE INDEX complaints_jurisdiction_status_idx ON complaints (jurisdiction, status, id);

-- The timeline of every workflow record: each step with who, when and what they said.
CREATE TABLE workflow_events (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL,          -- complaints, claims, cases, investigations, measures
    record_id  text NOT NULL,
    action     text NOT NULL,          -- "file" for the creation, then the action names
    actor_id   text NOT NULL,          -- a user id, or "system" for a deadline
    relation   text NOT NULL,          -- how the actor stood to the record (complainant, respondent, ...)
    from_state text NOT NULL,
    to_state   text NOT NULL,
    payload    jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_events_record_idx ON workflow_events (kind, record_id, id);

-- In-app notices for whoever must act next: a user, the staff of a party, the inspectors of a
-- jurisdiction, or everyone of a role (the arbitration institution's secretaries).
CREATE TABLE notifications (
    id             bigserial PRIMARY KEY,
    recipient_type text NOT NULL CHECK (recipient_type IN ('user', 'party', 'jurisdiction', 'role')),
    recipient_id   text NOT NULL,
    kind           text NOT NULL,
    record_id      text NOT NULL,
    event          text NOT NULL,       -- the action that happened
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_type, recipient_id, id);

-- Who may do what on a complaint. Subjects are relations to the record, derived from the record
-- itself (workflows/complaints.go); the state column says where the action starts.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'consumer', '*', 'complaint', 'create', '*'),
    ('p', 'user', '*', 'complaint', 'list', '*'),
    ('p', 'user', '*', 'complaint', 'act', '*'),
    ('p', 'user', '*', 'notification', 'list', '*'),
    ('p', 'complainant', '*', 'complaint', 'read', '*'),
    ('p', 'complainant', '*', 'complaint', 'accept_offer', 'offered'),
    ('p', 'complainant', '*', 'complaint', 'reject_offer', 'offered'),
    ('p', 'complainant', '*', 'complaint', 'escalate', 'filed'),
    ('p', 'complainant', '*', 'complaint', 'withdraw', '*'),
    ('p', 'complainant', '*', 'complaint', 'to_arbitration', 'unresolved'),
    ('p', 'complainant', '*', 'complaint', 'to_arbitration', 'refused'),
    ('p', 'respondent', '*', 'complaint', 'read', '*'),
    ('p', 'respondent', '*', 'complaint', 'respond', 'filed'),
    ('p', 'platform_operator', '*', 'complaint', 'read', '*'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'read', '*'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'accept', 'in_review'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'refuse', 'in_review'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'settle', 'in_mediation'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'terminate', 'in_mediation'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'pause', 'in_mediation'),
    ('p', 'jurisdiction_inspector', '*', 'complaint', 'resume', 'paused'),
    ('p', 'administrator', '*', 'complaint', 'read', '*'),
    ('p', 'system', '*', 'complaint', 'escalate', 'filed'),
    ('p', 'system', '*', 'complaint', 'terminate', 'in_mediation');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 IN ('complaint', 'notification');
DROP TABLE notifications;
DROP TABLE workflow_events;
DROP TABLE complaints;
DROP SEQUENCE complaint_number_seq;
