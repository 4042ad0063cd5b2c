-- Passages recorded from the paper transit accompanying document at a node that has not received
-- the movement's anticipated record (issue 12, the NCTS fallback): pending until the record
-- arrives, then applied or refused.
CREATE TABLE ice_fallback (
    id          UUID PRIMARY KEY,
    mrn         TEXT NOT NULL,
    passage     TEXT NOT NULL, -- entry | exit | arrival
    office      TEXT NOT NULL,
    officer     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    remarks     TEXT,
    status      TEXT NOT NULL, -- pending | applied | refused
    outcome     TEXT,
    settled_at  TIMESTAMPTZ
);
CREATE INDEX ice_fallback_by_mrn ON ice_fallback(mrn, status);
