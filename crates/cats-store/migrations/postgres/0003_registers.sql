-- Registers (issue 5): registrations of operators with their documents, insurance contracts,
-- claims, reference exchange rates, GRN serials, the history of every step and notifications.
-- Same tables and columns as migrations/sqlite/0003_registers.sql, with native types.

CREATE TABLE registrations (
    id              UUID PRIMARY KEY,
    version         BIGINT NOT NULL,
    party           TEXT COLLATE "C" NOT NULL REFERENCES parties(identification_number),
    register        TEXT NOT NULL,             -- aeo | authorised_trader | authorised_insurer
    name            TEXT NOT NULL,
    address         TEXT NOT NULL,
    country         TEXT NOT NULL,
    contact         TEXT NOT NULL,             -- JSON {"name", "email", "phone"}
    status          TEXT NOT NULL,             -- submitted | approved | rejected | suspended | revoked
    valid_from      DATE,
    valid_to        DATE,
    reason          TEXT,
    decided_by      TEXT,
    submitted_at    TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- At most one live registration of a party per register.
CREATE UNIQUE INDEX registrations_live ON registrations(party, register)
    WHERE status IN ('submitted', 'approved', 'suspended');

CREATE TABLE attachments (
    id              UUID PRIMARY KEY,
    registration_id UUID NOT NULL REFERENCES registrations(id),
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL CHECK (size >= 0),
    sha256          TEXT NOT NULL,
    data            BYTEA NOT NULL,
    uploaded_at     TIMESTAMPTZ NOT NULL,
    uploaded_by     TEXT NOT NULL
);
CREATE INDEX attachments_registration ON attachments(registration_id);

CREATE TABLE contracts (
    id              UUID PRIMARY KEY,
    version         BIGINT NOT NULL,
    grn             TEXT COLLATE "C" UNIQUE,
    policy_number   TEXT NOT NULL,
    insurer         TEXT NOT NULL,
    holder          TEXT NOT NULL,
    reference_minor BIGINT NOT NULL CHECK (reference_minor > 0),
    currency        TEXT NOT NULL,
    valid_from      DATE NOT NULL,
    valid_to        DATE NOT NULL,
    countries       TEXT NOT NULL,             -- space-separated ISO codes
    indemnity       TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT,
    office          TEXT,
    decided_by      TEXT,
    submitted_at    TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX contracts_insurer ON contracts(insurer);
CREATE INDEX contracts_holder ON contracts(holder);

-- When the last liability of an ended guarantee closed.
ALTER TABLE guarantees ADD COLUMN liability_end TIMESTAMPTZ;

-- How a reservation was computed: declared amount (hundredths) and currency, rate, AEO share
-- (decimals as text, exact).
ALTER TABLE reservations ADD COLUMN declared_minor BIGINT;
ALTER TABLE reservations ADD COLUMN declared_currency TEXT;
ALTER TABLE reservations ADD COLUMN rate TEXT;
ALTER TABLE reservations ADD COLUMN aeo_share TEXT;

CREATE TABLE claims (
    id              UUID PRIMARY KEY,
    version         BIGINT NOT NULL,
    grn             TEXT COLLATE "C" NOT NULL REFERENCES guarantees(grn),
    movement_id     UUID NOT NULL REFERENCES movements(id),
    mrn             TEXT,
    insurer         TEXT NOT NULL,
    holder          TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL CHECK (amount_minor >= 0),
    currency        TEXT NOT NULL,
    status          TEXT NOT NULL,             -- raised | contested | paid | waived
    raised_at       TIMESTAMPTZ NOT NULL,
    answer          TEXT,
    answered_at     TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    UNIQUE (movement_id, grn)
);
CREATE INDEX claims_insurer ON claims(insurer);
CREATE INDEX claims_holder ON claims(holder);

CREATE TABLE grn_serials (
    country TEXT COLLATE "C" NOT NULL,
    year    INTEGER NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (country, year)
);

CREATE TABLE exchange_rates (
    currency_from   TEXT COLLATE "C" NOT NULL,
    currency_to     TEXT COLLATE "C" NOT NULL,
    valid_from      DATE NOT NULL,
    valid_to        DATE NOT NULL,
    rate            TEXT NOT NULL,             -- decimal as text, exact
    set_by          TEXT NOT NULL,
    set_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (currency_from, currency_to, valid_from)
);

CREATE TABLE history (
    id          BIGSERIAL PRIMARY KEY,
    subject     TEXT NOT NULL,                 -- registration | contract | claim
    subject_id  UUID NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX history_subject ON history(subject_id, id);

CREATE TABLE notifications (
    seq         BIGSERIAL PRIMARY KEY,
    id          UUID NOT NULL UNIQUE,
    party       TEXT COLLATE "C" NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    subject     TEXT NOT NULL,
    subject_id  UUID NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX notifications_party ON notifications(party, seq);
