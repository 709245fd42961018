-- Credit records (信用记录, Art. 20, 31, 32): what a party's conduct left on its record. The
-- credit work scores them; here they are written, in the transaction of the step that earns them.

-- +goose Up
CREATE TABLE credit_records (
    id          bigserial PRIMARY KEY,
    party_id    text NOT NULL REFERENCES parties (id),
    reason      text NOT NULL CHECK (reason IN ('complaint_upheld', 'award_against', 'award_non_compliance',
                    'inspection_failed', 'measure_ignored')),
    weight      numeric(6, 2) NOT NULL,   -- points against the party's score
    record_kind text NOT NULL,            -- complaints, cases, inspections, measures
    record_id   text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (party_id, reason, record_kind, record_id)
);
CREATE INDEX credit_records_party_idx ON credit_records (party_id, at DESC);

-- +goose Down
DROP TABLE credit_records;
