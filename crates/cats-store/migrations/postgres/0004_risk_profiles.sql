-- Issue 6: risk profiles in the database, every change a new version; the risk-analyst permission.
ALTER TABLE users ADD COLUMN risk_analyst BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE risk_profiles (
    profile_id  TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        JSONB NOT NULL,     -- the RiskProfile
    retired     BOOLEAN NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (profile_id, version)
);
