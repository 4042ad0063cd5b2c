-- API tokens (issue 15): a label, an expiry (NULL for tokens issued before: they expire 90 days
-- after their creation), the last use (to the minute) and the revocation.
ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
CREATE INDEX api_tokens_username ON api_tokens(username, created_at);
