-- Workflows: after-sales claims (售后): return, refund, repair or replacement, answered by the merchant.

-- +goose Up
CREATE SEQUENCE claim_number_seq;

CREATE TABLE claims (
    id                  text PRIMARY KEY,
    number              text NOT NULL UNIQUE,
    claimant_id         text NOT NULL REFERENCES users (id),
    respondent_id       text NOT NULL REFERENCES parties (id),
    -- Where the respondent is registered, else the portal's default office.
    jurisdiction        text NOT NULL REFERENCES jurisdictions (code),
    order_ref           text NOT NULL CHECK (length(order_ref) BETWEEN 1 AND 100),
    type                text NOT NULL CHECK (type IN ('return', 'refund', 'repair', 'replace')),
    -- A no-reason return (七天无理由退货, Consumer Protection Law Art. 25); its window is checked on filing.
    no_reason           boolean NOT NULL DEFAULT false,
    delivered_at        timestamptz NOT NULL,
    -- Set for cross-border retail imports: their return window runs from customs release.
    customs_released_at timestamptz,
    amount              numeric(14, 2) NOT NULL CHECK (amount >= 0),
    currency            char(3) NOT NULL,
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 10000),
    rejection           jsonb,          -- the merchant's reason for rejecting
    return_shipment     jsonb,          -- carrier and waybill of the goods sent back
    refund              jsonb,          -- amount and reference of the refund
    complaint_id        text,           -- the complaint an escalated claim opened
    -- Workflow columns, the same on every workflow table.
    status              text NOT NULL,
    version             integer NOT NULL DEFAULT 1,
    deadlines           jsonb NOT NULL DEFAULT '{}',
    paused_at           timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX claims_claimant_idx ON claims (claimant_id, id);
CREATE INDEX claims_respondent_idx ON claims (respondent_id, id);

-- Who may do what on a claim. Subjects are relations to the record, derived from the record
-- itself (workflows/claims.go); the state column says where the action starts.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'consumer', '*', 'claim', 'create', '*'),
    ('p', 'user', '*', 'claim', 'list', '*'),
    ('p', 'user', '*', 'claim', 'act', '*'),
    ('p', 'claimant', '*', 'claim', 'read', '*'),
    ('p', 'claimant', '*', 'claim', 'ship_return', 'approved'),
    ('p', 'claimant', '*', 'claim', 'escalate', 'rejected'),
    ('p', 'claimant', '*', 'claim', 'withdraw', 'requested'),
    ('p', 'claimant', '*', 'claim', 'withdraw', 'approved'),
    ('p', 'claimant', '*', 'claim', 'withdraw', 'return_shipped'),
    ('p', 'respondent', '*', 'claim', 'read', '*'),
    ('p', 'respondent', '*', 'claim', 'approve', 'requested'),
    ('p', 'respondent', '*', 'claim', 'reject', 'requested'),
    ('p', 'respondent', '*', 'claim', 'confirm_receipt', 'return_shipped'),
    ('p', 'respondent', '*', 'claim', 'refund', 'approved'),
    ('p', 'respondent', '*', 'claim', 'refund', 'received'),
    ('p', 'administrator', '*', 'claim', 'read', '*'),
    ('p', 'system', '*', 'claim', 'approve', 'requested');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 = 'claim';
DELETE FROM notifications WHERE kind = 'claims';
DELETE FROM workflow_events WHERE kind = 'claims';
DROP TABLE claims;
DROP SEQUENCE claim_number_seq;
