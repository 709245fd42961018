-- A listing by rule is a proposal until the zone office confirms it (issue 12).
--
-- Rules (a low score, repeated non-compliance) used to put a party on the public negative list
-- by themselves, and the marks behind them could be driven by anyone who files claims. A rule
-- now proposes the listing; it becomes public when an admin confirms it (confirmed_at), or ends
-- when an admin dismisses it. An inspector's decision is confirmed as it is made. Stays already
-- entered by a rule become proposals again, for the office to look at.

-- +goose Up
ALTER TABLE negative_list_entries ADD COLUMN confirmed_at timestamptz, ADD COLUMN confirmed_by text;
UPDATE negative_list_entries SET confirmed_at = entered_at, confirmed_by = entered_by WHERE basis = 'decision';
CREATE INDEX negative_list_proposed_idx ON negative_list_entries (id) WHERE exited_at IS NULL AND confirmed_at IS NULL;
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ('p', 'admin', '*', 'negative_list', 'confirm', '*')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'negative_list' AND v3 = 'confirm';
DROP INDEX negative_list_proposed_idx;
ALTER TABLE negative_list_entries DROP COLUMN confirmed_at, DROP COLUMN confirmed_by;
