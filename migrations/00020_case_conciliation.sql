-- Conciliation before a tribunal exists is the secretary's to record; after, the tribunal's.
-- The parties may object to an appointed arbitrator after the disclosure.

-- +goose Up
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'secretary', '*', 'case', 'settle', 'accepted'),
    ('p', 'secretary', '*', 'case', 'settle', 'defence_filed'),
    ('p', 'claimant', '*', 'case', 'object_to_arbitrator', 'tribunal_formed'),
    ('p', 'respondent', '*', 'case', 'object_to_arbitrator', 'tribunal_formed');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 = 'case' AND ((v0 = 'secretary' AND v3 = 'settle') OR v3 = 'object_to_arbitrator');
