-- Notifications on every channel (issue 13): each notification's type, the record's reference
-- and link; who read what; preferences and contact details of users; webhook endpoints; and the
-- durable outbox of deliveries (webhook, e-mail, SMS) with every attempt.
ALTER TABLE notifications ADD COLUMN event_type TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN link TEXT NOT NULL DEFAULT '';
UPDATE notifications SET event_type = CASE
    WHEN subject = 'contract' AND status = 'access_code' THEN 'contract.access_code'
    ELSE subject || '.status' END;
UPDATE notifications SET link = CASE
    WHEN subject = 'claim' THEN '/claims/' || subject_id
    ELSE '/ui/' || subject || 's/' || subject_id END;

CREATE TABLE notification_reads (
    notification_id TEXT NOT NULL,
    username        TEXT NOT NULL REFERENCES users(username),
    at              TEXT NOT NULL,
    PRIMARY KEY (username, notification_id)
);

CREATE TABLE notification_preferences (
    username    TEXT NOT NULL REFERENCES users(username),
    event_type  TEXT NOT NULL,
    channel     TEXT NOT NULL, -- email | sms
    enabled     INTEGER NOT NULL,
    PRIMARY KEY (username, event_type, channel)
);

CREATE TABLE contacts (
    username    TEXT PRIMARY KEY REFERENCES users(username),
    email       TEXT,
    phone       TEXT
);

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    party       TEXT NOT NULL,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL, -- event types separated by spaces; empty: all
    secret      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX webhooks_party ON webhooks(party);

CREATE TABLE notification_deliveries (
    id               TEXT PRIMARY KEY,
    notification_id  TEXT NOT NULL,
    party            TEXT NOT NULL,
    channel          TEXT NOT NULL, -- webhook | email | sms
    target           TEXT NOT NULL, -- webhook id or username
    address          TEXT NOT NULL,
    language         TEXT NOT NULL,
    status           TEXT NOT NULL, -- pending | delivered | parked
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    first_attempt_at TEXT,
    created_at       TEXT NOT NULL,
    delivered_at     TEXT,
    last_outcome     TEXT NOT NULL DEFAULT '',
    claimed_by       TEXT,
    claimed_until    TEXT
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(status, next_attempt_at);
CREATE INDEX notification_deliveries_party ON notification_deliveries(party, created_at);

CREATE TABLE delivery_attempts (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id  TEXT NOT NULL REFERENCES notification_deliveries(id),
    at           TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    status_code  INTEGER,
    detail       TEXT NOT NULL,
    millis       BIGINT NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, seq);
