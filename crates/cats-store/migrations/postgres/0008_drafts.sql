-- Declaration drafts of the Single Transit Document form (issue 11): per company (the holder of
-- the transit procedure), the form's fields by CC015C pointer as a JSON object.
CREATE TABLE drafts (
    id          UUID PRIMARY KEY,
    holder      TEXT COLLATE "C" NOT NULL,
    lrn         TEXT NOT NULL,
    fields      JSONB NOT NULL,
    saved_by    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX drafts_by_holder ON drafts(holder, updated_at);
