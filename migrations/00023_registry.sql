-- The traceability registry: a firm is registered once per country under its registration code
-- (for China the unified social credit code), so a second party with the same code is a
-- duplicate, not a second firm: traces that meet at the firm must meet at one record.

-- +goose Up
CREATE UNIQUE INDEX parties_registration_key ON parties (country, registration_code) WHERE registration_code <> '';

-- +goose Down
DROP INDEX parties_registration_key;
