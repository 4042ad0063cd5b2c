-- Claims of background jobs (time-limit checks), so that a job is never run twice.
ALTER TABLE movements ADD COLUMN claimed_by TEXT;
ALTER TABLE movements ADD COLUMN claimed_until TIMESTAMPTZ;
