-- The office may reject a measure's proof of compliance (issue 12): the order is issued again
-- with its deadline unchanged, and only verified compliance counts for the party's credit.

-- +goose Up
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'jurisdiction_inspector', '*', 'measure', 'reject_proof', 'complied')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'measure' AND v3 = 'reject_proof';
