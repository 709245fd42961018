-- Idempotency-Key bound to the request it first answered, for signed-in callers only (issue 12).
--
-- A key is now honoured only for a signed-in caller, and only for the same method, path and
-- body (request_hash, a SHA-256 of the body): the same key with another body is refused (422)
-- instead of answering the first request's result. Keys of anonymous callers were scoped by
-- address, so anyone behind the same proxy could replay another's sign-in and read its token:
-- they are dropped, with every stored answer of a sign-in, which held a bearer token in plain
-- text.

-- +goose Up
ALTER TABLE idempotency_keys ADD COLUMN request_hash bytea NOT NULL DEFAULT ''::bytea;
DELETE FROM idempotency_keys WHERE scope NOT LIKE 'user:%' OR path LIKE '/api/v1/auth/%';

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN request_hash;
