-- Grades drive supervision: a new listing of a D-grade merchant is flagged for inspection.

-- +goose Up
ALTER TABLE listings ADD COLUMN flagged_for_inspection boolean NOT NULL DEFAULT false;
ALTER TABLE listings ADD COLUMN flag_reason text NOT NULL DEFAULT '';
CREATE INDEX listings_flagged_idx ON listings (created_at DESC) WHERE flagged_for_inspection;

-- +goose Down
ALTER TABLE listings DROP COLUMN flag_reason;
ALTER TABLE listings DROP COLUMN flagged_for_inspection;
