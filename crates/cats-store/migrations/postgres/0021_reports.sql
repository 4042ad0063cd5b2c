-- Reports and KPIs (issue 17): each run of each instance of the node (start, heartbeat, clean
-- stop), from which downtime is computed; custom report definitions users save and share; and
-- indexes for reading a period of the audit log, the ICE outbox and the deliveries.
CREATE TABLE node_runs (
    id            UUID PRIMARY KEY,
    started_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    stopped_at    TIMESTAMPTZ,
    version       TEXT NOT NULL
);
CREATE INDEX node_runs_seen ON node_runs(last_seen_at);

CREATE TABLE saved_reports (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    owner       TEXT NOT NULL, -- username
    party       TEXT,          -- the owner's company (traders, insurers)
    country     TEXT,          -- the owner's country (officers)
    offices     TEXT NOT NULL DEFAULT '', -- the owner's offices, space-separated (officers with an office scope)
    shared      TEXT NOT NULL, -- private | company | office | country
    definition  JSONB NOT NULL, -- JSON of cats_domain::reports::cube::Definition
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_reports_owner ON saved_reports(owner);

CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX ice_outbox_created ON ice_outbox(created_at);
CREATE INDEX notification_deliveries_created ON notification_deliveries(created_at);
