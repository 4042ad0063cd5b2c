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
    WHEN subject = 'claim' THEN '/claims/' || subject_id::text
    ELSE '/ui/' || subject || 's/' || subject_id::text END;

CREATE TABLE notification_reads (
    notification_id UUID NOT NULL,
    username        TEXT COLLATE "C" NOT NULL REFERENCES users(username),
    at              TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, notification_id)
);

CREATE TABLE notification_preferences (
    username    TEXT COLLATE "C" NOT NULL REFERENCES users(username),
    event_type  TEXT NOT NULL,
    channel     TEXT NOT NULL, -- email | sms
    enabled     BOOLEAN NOT NULL,
    PRIMARY KEY (username, event_type, channel)
);

CREATE TABLE contacts (
    username    TEXT COLLATE "C" PRIMARY KEY REFERENCES users(username),
    email       TEXT,
    phone       TEXT
);

CREATE TABLE webhooks (
    id          UUID PRIMARY KEY,
    party       TEXT COLLATE "C" NOT NULL,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL, -- event types separated by spaces; empty: all
    secret      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    deleted_at  TIMESTAMPTZ
);
CREATE INDEX webhooks_party ON webhooks(party);

CREATE TABLE notification_deliveries (
    id               UUID PRIMARY KEY,
    notification_id  UUID NOT NULL,
    party            TEXT COLLATE "C" NOT NULL,
    channel          TEXT NOT NULL, -- webhook | email | sms
    target           TEXT NOT NULL, -- webhook id or username
    address          TEXT NOT NULL,
    language         TEXT NOT NULL,
    status           TEXT NOT NULL, -- pending | delivered | parked
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    first_attempt_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    last_outcome     TEXT NOT NULL DEFAULT '',
    claimed_by       TEXT,
    claimed_until    TIMESTAMPTZ
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(status, next_attempt_at);
CREATE INDEX notification_deliveries_party ON notification_deliveries(party, created_at);

CREATE TABLE delivery_attempts (
    seq          BIGSERIAL PRIMARY KEY,
    delivery_id  UUID NOT NULL REFERENCES notification_deliveries(id),
    at           TIMESTAMPTZ NOT NULL,
    ok           BOOLEAN NOT NULL,
    status_code  BIGINT,
    detail       TEXT NOT NULL,
    millis       BIGINT NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, seq);
