-- EPCIS 2.0 captures: one row per captured EPCISDocument. An event's JSON-LD means what its
-- document's @context says (extension prefixes such as "example:" are declared there), so the
-- context is kept with the capture and each trace event captured from a document points to it.

-- +goose Up
CREATE TABLE epcis_captures (
    id             text PRIMARY KEY,
    context        jsonb NOT NULL,           -- the document's @context as sent
    schema_version text NOT NULL,
    creation_date  timestamptz NOT NULL,
    header         jsonb,                    -- the rest of the document but its events (id, sender, epcisHeader, ...)
    events         integer NOT NULL CHECK (events >= 0),
    captured_by    text REFERENCES users (id),
    captured_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE trace_events ADD COLUMN capture_id text REFERENCES epcis_captures (id);

-- +goose Down
ALTER TABLE trace_events DROP COLUMN capture_id;
DROP TABLE epcis_captures;
