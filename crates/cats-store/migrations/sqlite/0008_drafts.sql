-- Declaration drafts of the Single Transit Document form (issue 11): per company (the holder of
-- the transit procedure), the form's fields by CC015C pointer as a JSON object.
CREATE TABLE drafts (
    id          TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lrn         TEXT NOT NULL,
    fields      TEXT NOT NULL,
    saved_by    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX drafts_by_holder ON drafts(holder, updated_at);
