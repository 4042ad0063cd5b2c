-- Arrival notifications for an MRN the node does not know for the trader (issue 14): the CC007C
-- as received and its CC057C (functional error 90) are kept as a resource of their own, with the
-- messages sent to it later, as NCTS and HMRC's CTC Traders API keep them.
CREATE TABLE unmatched_arrivals (
    id          TEXT PRIMARY KEY,
    party       TEXT NOT NULL,
    mrn         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX unmatched_arrivals_party ON unmatched_arrivals(party, updated_at);

CREATE TABLE unmatched_arrival_messages (
    id            TEXT PRIMARY KEY,
    arrival_id    TEXT NOT NULL REFERENCES unmatched_arrivals(id),
    seq           BIGINT NOT NULL,
    message_type  TEXT NOT NULL,
    direction     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    body          TEXT NOT NULL,
    received      TEXT NOT NULL,
    UNIQUE (arrival_id, seq)
);
