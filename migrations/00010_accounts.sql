-- Accounts: jurisdictions (属地), the parties users belong to, users, API tokens and browser sessions.

-- +goose Up
CREATE TABLE jurisdictions (
    code    text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);

-- The 13 districts and counties of Hangzhou by administrative division code.
INSERT INTO jurisdictions (code, name_zh, name_en) VALUES
    ('330102', '上城区', 'Shangcheng District'),
    ('330105', '拱墅区', 'Gongshu District'),
    ('330106', '西湖区', 'Xihu District'),
    ('330108', '滨江区', 'Binjiang District'),
    ('330109', '萧山区', 'Xiaoshan District'),
    ('330110', '余杭区', 'Yuhang District'),
    ('330111', '富阳区', 'Fuyang District'),
    ('330112', '临安区', 'Lin''an District'),
    ('330113', '临平区', 'Linping District'),
    ('330114', '钱塘区', 'Qiantang District'),
    ('330122', '桐庐县', 'Tonglu County'),
    ('330127', '淳安县', 'Chun''an County'),
    ('330182', '建德市', 'Jiande City');

-- Parties: firms in the supply chain. The traceability work adds its own columns later.
CREATE TABLE parties (
    id                text PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('manufacturer', 'brand_owner', 'exporter', 'importer', 'ebc',
                          'platform', 'merchant', 'logistics', 'warehouse', 'lab', 'authority')),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_en           text NOT NULL DEFAULT '',
    country           text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    registration_code text NOT NULL DEFAULT '',
    jurisdiction      text REFERENCES jurisdictions (code),
    address           text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            text PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash text NOT NULL,
    roles         text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['consumer', 'merchant', 'platform', 'inspector', 'arbitrator', 'admin']),
    jurisdiction  text REFERENCES jurisdictions (code),
    party_id      text REFERENCES parties (id),
    locale        text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
    -- Failed sign-ins in a row and the time before which the next try is refused (a growing delay).
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Bearer tokens for the API; only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    token_hash   bytea PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);
CREATE INDEX api_tokens_expires_at_idx ON api_tokens (expires_at);

-- Browser sessions behind an HttpOnly cookie; only the SHA-256 of the cookie value is kept.
CREATE TABLE web_sessions (
    session_hash bytea PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_at_idx ON web_sessions (expires_at);

-- +goose Down
DROP TABLE web_sessions;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE parties;
DROP TABLE jurisdictions;
