-- The routes of workflow records no longer ask the policy for ('user', <kind>, 'list') or
-- ('user', <kind>, 'act'), which every signed-in user held: the engine asks the policy record
-- by record what the caller's relations may do, and lists ask what those relations may read
-- (app/routes.go, Route.Engine). The rules that no route reads any more go.

-- +goose Up
DELETE FROM casbin_rule
WHERE ptype = 'p' AND v0 = 'user' AND v2 IN ('complaint', 'claim', 'case', 'measure', 'investigation')
  AND v3 IN ('list', 'act');

-- +goose Down
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)
SELECT 'p', 'user', '*', kind, act, '*'
FROM unnest(ARRAY['complaint', 'claim', 'case', 'measure', 'investigation']) AS kind,
     unnest(ARRAY['list', 'act']) AS act
WHERE NOT EXISTS (SELECT 1 FROM casbin_rule r WHERE r.ptype = 'p' AND r.v0 = 'user' AND r.v2 = kind AND r.v3 = act);
