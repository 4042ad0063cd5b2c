-- Sign-in for people (issue 11): a password (argon2id PHC string), the failures in a row and the
-- lock they lead to, whether the account is disabled, the chosen language; and server-side
-- sessions, kept by the SHA-256 of their cookie, with the CSRF token of their forms.
CREATE TABLE accounts (
    username        TEXT COLLATE "C" PRIMARY KEY REFERENCES users(username),
    password_hash   TEXT,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    language        TEXT
);

CREATE TABLE sessions (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    username    TEXT COLLATE "C" NOT NULL REFERENCES users(username),
    csrf        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(username);
