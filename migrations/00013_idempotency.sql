-- Idempotency-Key: the first answer to a creating POST, replayed when the same caller repeats the key.

-- +goose Up
CREATE TABLE idempotency_keys (
    scope      text NOT NULL,            -- the caller: a user id, or the client address for the public
    key        text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    method     text NOT NULL,
    path       text NOT NULL,
    status     integer NOT NULL DEFAULT 0, -- 0 while the first request is still running
    body       bytea,
    content_type text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
