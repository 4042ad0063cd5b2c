-- Security (issue 15): the node's own secrets (the risk draw key, made at the first start),
-- and the hash chain of the audit log (each entry carries the hash of the one before it).
CREATE TABLE node_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
