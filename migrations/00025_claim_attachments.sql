-- Messages and evidence on after-sales claims: the consumer who filed the claim and the merchant
-- it is against talk and show files to each other, in any state (a closed claim may still need
-- its papers, e.g. for the complaint an escalation opens). The posting routes pass the
-- route-level ('user', 'claim', 'act') gate like the actions do; the record decides the rest.

-- +goose Up
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'claimant', '*', 'claim', 'message', '*'),
    ('p', 'claimant', '*', 'claim', 'evidence', '*'),
    ('p', 'respondent', '*', 'claim', 'message', '*'),
    ('p', 'respondent', '*', 'claim', 'evidence', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'claim' AND v3 IN ('message', 'evidence');
