-- Registers (issue 5): registrations of operators with their documents, insurance contracts,
-- claims, reference exchange rates, GRN serials, the history of every step and notifications.
-- Same tables and columns as migrations/postgres/0003_registers.sql.

CREATE TABLE registrations (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    party           TEXT NOT NULL REFERENCES parties(identification_number),
    register        TEXT NOT NULL,             -- aeo | authorised_trader | authorised_insurer
    name            TEXT NOT NULL,
    address         TEXT NOT NULL,
    country         TEXT NOT NULL,
    contact         TEXT NOT NULL,             -- JSON {"name", "email", "phone"}
    status          TEXT NOT NULL,             -- submitted | approved | rejected | suspended | revoked
    valid_from      TEXT,
    valid_to        TEXT,
    reason          TEXT,
    decided_by      TEXT,
    submitted_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- At most one live registration of a party per register.
CREATE UNIQUE INDEX registrations_live ON registrations(party, register)
    WHERE status IN ('submitted', 'approved', 'suspended');

CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL REFERENCES registrations(id),
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size >= 0),
    sha256          TEXT NOT NULL,
    data            BLOB NOT NULL,
    uploaded_at     TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL
);
CREATE INDEX attachments_registration ON attachments(registration_id);

CREATE TABLE contracts (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    grn             TEXT UNIQUE,
    policy_number   TEXT NOT NULL,
    insurer         TEXT NOT NULL,
    holder          TEXT NOT NULL,
    reference_minor INTEGER NOT NULL CHECK (reference_minor > 0),
    currency        TEXT NOT NULL,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    countries       TEXT NOT NULL,             -- space-separated ISO codes
    indemnity       TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    office          TEXT,
    decided_by      TEXT,
    submitted_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX contracts_insurer ON contracts(insurer);
CREATE INDEX contracts_holder ON contracts(holder);

-- When the last liability of an ended guarantee closed.
ALTER TABLE guarantees ADD COLUMN liability_end TEXT;

-- How a reservation was computed: declared amount (hundredths) and currency, rate, AEO share
-- (decimals as text, exact).
ALTER TABLE reservations ADD COLUMN declared_minor INTEGER;
ALTER TABLE reservations ADD COLUMN declared_currency TEXT;
ALTER TABLE reservations ADD COLUMN rate TEXT;
ALTER TABLE reservations ADD COLUMN aeo_share TEXT;

CREATE TABLE claims (
    id              TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    grn             TEXT NOT NULL REFERENCES guarantees(grn),
    movement_id     TEXT NOT NULL REFERENCES movements(id),
    mrn             TEXT,
    insurer         TEXT NOT NULL,
    holder          TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,             -- raised | contested | paid | waived
    raised_at       TEXT NOT NULL,
    answer          TEXT,
    answered_at     TEXT,
    closed_at       TEXT,
    UNIQUE (movement_id, grn)
);
CREATE INDEX claims_insurer ON claims(insurer);
CREATE INDEX claims_holder ON claims(holder);

CREATE TABLE grn_serials (
    country TEXT NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (country, year)
);

CREATE TABLE exchange_rates (
    currency_from   TEXT NOT NULL,
    currency_to     TEXT NOT NULL,
    valid_from      TEXT NOT NULL,
    valid_to        TEXT NOT NULL,
    rate            TEXT NOT NULL,             -- decimal as text, exact
    set_by          TEXT NOT NULL,
    set_at          TEXT NOT NULL,
    PRIMARY KEY (currency_from, currency_to, valid_from)
);

CREATE TABLE history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    subject     TEXT NOT NULL,                 -- registration | contract | claim
    subject_id  TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX history_subject ON history(subject_id, id);

CREATE TABLE notifications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    party       TEXT NOT NULL,
    at          TEXT NOT NULL,
    subject     TEXT NOT NULL,
    subject_id  TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX notifications_party ON notifications(party, seq);
