-- A second factor (TOTP, RFC 6238) for sign-in, password change and signing out everywhere
-- (issue 12). totp_secret is set once the user confirmed a code from their app; totp_pending
-- holds the secret shown while they set it up; totp_last_step refuses a code used once already.
-- Whether a role must enrol before acting is a policy rule, ('p', role, '*', 'second_factor',
-- 'required', '*'), none by default so that existing automation accounts keep working.

-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret text, ADD COLUMN totp_pending text,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0, ADD COLUMN totp_enrolled_at timestamptz;
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'user', '*', 'account', 'secure', '*')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v2 = 'account' AND v3 = 'secure';
ALTER TABLE users DROP COLUMN totp_secret, DROP COLUMN totp_pending, DROP COLUMN totp_last_step, DROP COLUMN totp_enrolled_at;
