-- External alerts (EU Safety Gate, US CPSC) matched to the products and listings they may concern.
-- The import proposes matches (same GTIN, or same brand and model); an inspector confirms or
-- rejects each one. Alerts also get the date the source issued them and the product as the source
-- names it, for the public alerts page.

-- +goose Up
ALTER TABLE alerts ADD COLUMN issued_on date;                     -- when the source published it; NULL when it does not say
ALTER TABLE alerts ADD COLUMN product text NOT NULL DEFAULT '';   -- the product as the source names it ("Passenger car")
UPDATE alerts SET issued_on = created_at::date;
DROP INDEX alerts_public_idx;
CREATE INDEX alerts_public_idx ON alerts (issued_on DESC NULLS LAST, id DESC) WHERE public;
CREATE INDEX alerts_issued_idx ON alerts (issued_on DESC NULLS LAST, id DESC);

CREATE TABLE alert_matches (
    id           text PRIMARY KEY,
    alert_id     text NOT NULL REFERENCES alerts (id),
    subject_type text NOT NULL CHECK (subject_type IN ('product', 'listing')),
    subject_id   text NOT NULL,                 -- products.id or listings.id, by subject_type
    method       text NOT NULL CHECK (method IN ('gtin', 'brand_model')),
    status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed', 'rejected')),
    decided_by   text REFERENCES users (id),
    decided_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (alert_id, subject_type, subject_id),
    CHECK ((status = 'proposed') = (decided_at IS NULL))
);
CREATE INDEX alert_matches_queue_idx ON alert_matches (status, id DESC);
CREATE INDEX alert_matches_subject_idx ON alert_matches (subject_type, subject_id);

-- +goose Down
DROP TABLE alert_matches;
DROP INDEX alerts_issued_idx;
DROP INDEX alerts_public_idx;
CREATE INDEX alerts_public_idx ON alerts (created_at DESC) WHERE public;
ALTER TABLE alerts DROP COLUMN product;
ALTER TABLE alerts DROP COLUMN issued_on;
