-- Credit marks a consumer's own steps bring about are capped and cannot be farmed (issue 12).
--
-- credit_records.consumer_id names the consumer behind a mark that their own steps caused (a
-- claim approved by silence, an offer accepted, non-compliance reported); such marks are capped
-- per consumer and per party in a period, and do not count when the consumer shares a party or
-- an address (user_addresses: where each account signed up or in) with the respondent's staff.

-- +goose Up
ALTER TABLE credit_records ADD COLUMN consumer_id text REFERENCES users (id);
CREATE INDEX credit_records_consumer_idx ON credit_records (party_id, consumer_id, at) WHERE consumer_id IS NOT NULL;

CREATE TABLE user_addresses (
    user_id    text NOT NULL REFERENCES users (id),
    address    text NOT NULL,
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (user_id, address)
);
CREATE INDEX user_addresses_address_idx ON user_addresses (address);

-- +goose Down
DROP TABLE user_addresses;
ALTER TABLE credit_records DROP COLUMN consumer_id;
