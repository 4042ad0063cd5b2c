-- ICE between national nodes (issue 12): the outbox of messages to peer nodes, written in the
-- transaction of the change that causes them and delivered by a worker with retries; the inbox of
-- messages received, kept for good and keyed by message id (a message is applied once), with the
-- receipt that answered it.
CREATE TABLE ice_outbox (
    message_id      TEXT PRIMARY KEY,
    peer            TEXT NOT NULL,
    message_type    TEXT NOT NULL,
    correlation     TEXT NOT NULL, -- the MRN
    sequence        BIGINT NOT NULL, -- 1, 2, … per peer and correlation
    trace_id        TEXT NOT NULL,
    payload         TEXT NOT NULL, -- the content (JSON), exactly as signed and sent
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL, -- pending | delivered | refused
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    settled_at      TEXT,
    receipt         TEXT,
    claimed_by      TEXT,
    claimed_until   TEXT,
    UNIQUE (peer, correlation, sequence)
);
CREATE INDEX ice_outbox_due ON ice_outbox(status, next_attempt_at);

CREATE TABLE ice_inbox (
    message_id      TEXT PRIMARY KEY,
    peer            TEXT NOT NULL,
    message_type    TEXT NOT NULL,
    correlation     TEXT NOT NULL,
    sequence        BIGINT NOT NULL,
    body            TEXT NOT NULL, -- the envelope exactly as received
    received_at     TEXT NOT NULL,
    outcome         TEXT NOT NULL, -- applied | CD906C <code> | CD917C <code>
    receipt         TEXT NOT NULL  -- the receipt answered (JSON)
);
CREATE INDEX ice_inbox_order ON ice_inbox(peer, correlation, sequence);
