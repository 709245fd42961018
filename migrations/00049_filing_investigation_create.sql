-- Filing is each kind's first action, which the engine checks as "create" on the kind. Handing a
-- case off opens an investigation, so the rule that lets a role do it names the investigation,
-- not the hand-off (workflows/investigations.go, Filing).

-- +goose Up
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5)
SELECT ptype, v0, v1, 'investigation', v3, v4, v5 FROM casbin_rule
WHERE ptype = 'p' AND v2 = 'handoff' AND v3 = 'create'
ON CONFLICT DO NOTHING;
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'handoff' AND v3 = 'create';

-- +goose Down
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5)
SELECT ptype, v0, v1, 'handoff', v3, v4, v5 FROM casbin_rule
WHERE ptype = 'p' AND v2 = 'investigation' AND v3 = 'create'
ON CONFLICT DO NOTHING;
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'investigation' AND v3 = 'create';
