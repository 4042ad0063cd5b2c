-- Issue 6: risk profiles in the database, every change a new version; the risk-analyst permission.
ALTER TABLE users ADD COLUMN risk_analyst INTEGER NOT NULL DEFAULT 0;

CREATE TABLE risk_profiles (
    profile_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,      -- the RiskProfile as JSON
    retired     INTEGER NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (profile_id, version)
);
