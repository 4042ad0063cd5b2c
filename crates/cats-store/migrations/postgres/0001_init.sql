-- CATS/ICE node schema, PostgreSQL. The same tables and columns as migrations/sqlite, with native
-- types: money in minor units (BIGINT cents), timestamps TIMESTAMPTZ (UTC, microseconds), dates DATE,
-- ids UUID, flags BOOLEAN. JSON (projections, declarations, reference data) and message bodies are
-- TEXT, kept exactly as written (not JSONB, which would reorder keys and normalise numbers).
-- Text keys that dumps and lists sort by are COLLATE "C" (byte order), the order SQLite uses, so that
-- both backends list and dump in the same order whatever the database's locale.

CREATE TABLE offices (
    reference   TEXT COLLATE "C" PRIMARY KEY,
    country     TEXT COLLATE "C" NOT NULL,
    data        TEXT NOT NULL -- JSON of cats_domain::reference::Office
);
CREATE INDEX offices_country ON offices(country);

CREATE TABLE reference_facts (
    kind        TEXT COLLATE "C" NOT NULL, -- country | currency | hs | restricted | location
    code        TEXT COLLATE "C" NOT NULL,
    data        TEXT NOT NULL, -- JSON of the domain type
    PRIMARY KEY (kind, code)
);

CREATE TABLE parties (
    identification_number TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    country     TEXT NOT NULL,
    active      BOOLEAN NOT NULL
);

CREATE TABLE users (
    username        TEXT COLLATE "C" PRIMARY KEY,
    role            TEXT NOT NULL,
    party           TEXT COLLATE "C" REFERENCES parties(identification_number),
    office_country  TEXT
);

CREATE TABLE api_tokens (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    username    TEXT COLLATE "C" NOT NULL REFERENCES users(username),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE guarantees (
    grn                 TEXT COLLATE "C" PRIMARY KEY,
    holder              TEXT NOT NULL,
    insurer             TEXT NOT NULL,
    reference_minor     BIGINT NOT NULL CHECK (reference_minor >= 0),
    currency            TEXT NOT NULL,
    valid_from          DATE NOT NULL,
    valid_to            DATE NOT NULL,
    countries           TEXT NOT NULL, -- space-separated ISO codes
    status              TEXT NOT NULL,
    access_code_hash    TEXT NOT NULL,
    running_total_minor BIGINT NOT NULL DEFAULT 0,
    CHECK (running_total_minor >= 0 AND running_total_minor <= reference_minor)
);

CREATE TABLE movements (
    id                      UUID PRIMARY KEY,
    version                 BIGINT NOT NULL,
    lrn                     TEXT COLLATE "C" NOT NULL,
    mrn                     TEXT COLLATE "C" UNIQUE,
    holder                  TEXT COLLATE "C" NOT NULL,
    state                   TEXT NOT NULL,
    live                    BOOLEAN NOT NULL,
    office_of_departure     TEXT NOT NULL,
    office_of_destination   TEXT NOT NULL,
    offices                 TEXT NOT NULL, -- space-separated offices on the route, for scope filters
    time_limit              TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    projection              TEXT NOT NULL, -- JSON of cats_domain::movement::Movement
    declaration             TEXT NOT NULL  -- JSON, HMRC shape of the current CC015C
);
CREATE UNIQUE INDEX movements_live_lrn ON movements(holder, lrn) WHERE live;
CREATE INDEX movements_updated ON movements(updated_at);
CREATE INDEX movements_time_limit ON movements(state, time_limit);
-- Not in SQLite: traders list their own movements, the most frequent query on a busy node.
CREATE INDEX movements_holder ON movements(holder, updated_at);

CREATE TABLE messages (
    id              UUID PRIMARY KEY,
    movement_id     UUID NOT NULL REFERENCES movements(id),
    seq             BIGINT NOT NULL,
    message_type    TEXT NOT NULL,
    direction       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    body            TEXT NOT NULL,
    received        TIMESTAMPTZ NOT NULL,
    UNIQUE (movement_id, seq)
);

CREATE TABLE reservations (
    grn             TEXT COLLATE "C" NOT NULL REFERENCES guarantees(grn),
    movement_id     UUID NOT NULL REFERENCES movements(id),
    mrn             TEXT,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor >= 0),
    status          TEXT NOT NULL,
    reserved_at     TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ,
    PRIMARY KEY (movement_id, grn)
);
CREATE INDEX reservations_grn ON reservations(grn);

CREATE TABLE mrn_serials (
    office  TEXT COLLATE "C" NOT NULL,
    year    INTEGER NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (office, year)
);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    movement_id UUID,
    detail      TEXT NOT NULL
);
CREATE INDEX audit_movement ON audit_log(movement_id, id);
