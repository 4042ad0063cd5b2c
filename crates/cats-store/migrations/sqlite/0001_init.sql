-- CATS/ICE node schema, SQLite. Money in minor units (INTEGER cents), timestamps UTC (RFC 3339 text).

CREATE TABLE offices (
    reference   TEXT PRIMARY KEY,
    country     TEXT NOT NULL,
    data        TEXT NOT NULL -- JSON of cats_domain::reference::Office
);
CREATE INDEX offices_country ON offices(country);

CREATE TABLE reference_facts (
    kind        TEXT NOT NULL, -- country | currency | hs | restricted | location
    code        TEXT NOT NULL,
    data        TEXT NOT NULL, -- JSON of the domain type
    PRIMARY KEY (kind, code)
);

CREATE TABLE parties (
    identification_number TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    country     TEXT NOT NULL,
    active      INTEGER NOT NULL
);

CREATE TABLE users (
    username        TEXT PRIMARY KEY,
    role            TEXT NOT NULL,
    party           TEXT REFERENCES parties(identification_number),
    office_country  TEXT
);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    username    TEXT NOT NULL REFERENCES users(username),
    created_at  TEXT NOT NULL
);

CREATE TABLE guarantees (
    grn                 TEXT PRIMARY KEY,
    holder              TEXT NOT NULL,
    insurer             TEXT NOT NULL,
    reference_minor     INTEGER NOT NULL CHECK (reference_minor >= 0),
    currency            TEXT NOT NULL,
    valid_from          TEXT NOT NULL,
    valid_to            TEXT NOT NULL,
    countries           TEXT NOT NULL, -- space-separated ISO codes
    status              TEXT NOT NULL,
    access_code_hash    TEXT NOT NULL,
    running_total_minor INTEGER NOT NULL DEFAULT 0,
    CHECK (running_total_minor >= 0 AND running_total_minor <= reference_minor)
);

CREATE TABLE movements (
    id                      TEXT PRIMARY KEY,
    version                 INTEGER NOT NULL,
    lrn                     TEXT NOT NULL,
    mrn                     TEXT UNIQUE,
    holder                  TEXT NOT NULL,
    state                   TEXT NOT NULL,
    live                    INTEGER NOT NULL,
    office_of_departure     TEXT NOT NULL,
    office_of_destination   TEXT NOT NULL,
    offices                 TEXT NOT NULL, -- space-separated offices on the route, for scope filters
    time_limit              TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    projection              TEXT NOT NULL, -- JSON of cats_domain::movement::Movement
    declaration             TEXT NOT NULL  -- JSON, HMRC shape of the current CC015C
);
CREATE UNIQUE INDEX movements_live_lrn ON movements(holder, lrn) WHERE live = 1;
CREATE INDEX movements_updated ON movements(updated_at);
CREATE INDEX movements_time_limit ON movements(state, time_limit);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    movement_id     TEXT NOT NULL REFERENCES movements(id),
    seq             INTEGER NOT NULL,
    message_type    TEXT NOT NULL,
    direction       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    body            TEXT NOT NULL,
    received        TEXT NOT NULL,
    UNIQUE (movement_id, seq)
);

CREATE TABLE reservations (
    grn             TEXT NOT NULL REFERENCES guarantees(grn),
    movement_id     TEXT NOT NULL REFERENCES movements(id),
    mrn             TEXT,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor >= 0),
    status          TEXT NOT NULL,
    reserved_at     TEXT NOT NULL,
    closed_at       TEXT,
    PRIMARY KEY (movement_id, grn)
);
CREATE INDEX reservations_grn ON reservations(grn);

CREATE TABLE mrn_serials (
    office  TEXT NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (office, year)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    movement_id TEXT,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_movement ON audit_log(movement_id);
