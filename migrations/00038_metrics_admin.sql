-- /metrics is the admin's (issue 12): its counters describe the portal's traffic and internals.
-- Prometheus scrapes it with an admin's bearer token.

-- +goose Up
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ('p', 'admin', '*', 'metrics', 'read', '*')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'admin' AND v2 = 'metrics';
