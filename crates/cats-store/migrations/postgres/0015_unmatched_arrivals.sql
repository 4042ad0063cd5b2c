-- Arrival notifications for an MRN the node does not know for the trader (issue 14): the CC007C
-- as received and its CC057C (functional error 90) are kept as a resource of their own, with the
-- messages sent to it later, as NCTS and HMRC's CTC Traders API keep them.
CREATE TABLE unmatched_arrivals (
    id          UUID PRIMARY KEY,
    party       TEXT COLLATE "C" NOT NULL,
    mrn         TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX unmatched_arrivals_party ON unmatched_arrivals(party, updated_at);

CREATE TABLE unmatched_arrival_messages (
    id            UUID PRIMARY KEY,
    arrival_id    UUID NOT NULL REFERENCES unmatched_arrivals(id),
    seq           BIGINT NOT NULL,
    message_type  TEXT NOT NULL,
    direction     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    body          TEXT NOT NULL,
    received      TIMESTAMPTZ NOT NULL,
    UNIQUE (arrival_id, seq)
);
