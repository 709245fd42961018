-- Sign-in throttling by e-mail and by e-mail and address (issue 12).
--
-- The per-user lock (users.failed_logins, locked_until) checked the lock before counting, so
-- parallel wrong passwords all reached the password check; it answered 429 to a locked account
-- and 401 to an unknown e-mail (accounts could be enumerated); and anyone could keep a victim
-- locked out with one try every 15 minutes. A try is now counted before its password is checked,
-- under two keys: the e-mail (known or not, so both answer alike) with a gentle wait, and the
-- e-mail with the client's address with a steep one.

-- +goose Up
CREATE TABLE login_throttles (
    key         text PRIMARY KEY,          -- 'email:<e-mail>' or 'pair:<e-mail>|<address>'
    failures    integer NOT NULL DEFAULT 0, -- tries since the last right password
    next_try_at timestamptz,               -- no try is checked before this
    updated_at  timestamptz NOT NULL
);
CREATE INDEX login_throttles_updated_at_idx ON login_throttles (updated_at);
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- +goose Down
DROP TABLE login_throttles;
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz;
