-- Support requests inside the interface (issue 18): each request with its requester (username,
-- role, company, officer's country), the page and the movement it concerns, its status and the
-- times support last answered and the requester last opened it; the thread of messages; and the
-- serial of the human references (SR-000042).
CREATE TABLE support_serials (
    name  TEXT PRIMARY KEY, -- 'support'
    last  INTEGER NOT NULL
);

CREATE TABLE support_requests (
    id            TEXT PRIMARY KEY,
    serial        INTEGER NOT NULL UNIQUE,
    version       INTEGER NOT NULL,
    requester     TEXT NOT NULL, -- username
    role          TEXT NOT NULL, -- trader | insurer | officer
    party         TEXT,          -- the requester's company (traders, insurers)
    country       TEXT,          -- the officer's country
    page          TEXT,          -- the path of the page it was sent from
    movement_id   TEXT,          -- the movement it concerns
    movement_ref  TEXT,          -- its MRN (or LRN) when sent
    subject       TEXT NOT NULL,
    status        TEXT NOT NULL, -- open | answered | closed
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    answered_at   TEXT,          -- support's last answer or close
    seen_at       TEXT           -- the requester's last opening
);
CREATE INDEX support_requests_party ON support_requests(party, updated_at);
CREATE INDEX support_requests_requester ON support_requests(requester, updated_at);
CREATE INDEX support_requests_status ON support_requests(status, updated_at);

CREATE TABLE support_messages (
    id            TEXT PRIMARY KEY,
    request_id    TEXT NOT NULL REFERENCES support_requests(id),
    author        TEXT NOT NULL, -- username
    from_support  INTEGER NOT NULL, -- 1: an administrator's answer
    text          TEXT NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX support_messages_request ON support_messages(request_id, at);
