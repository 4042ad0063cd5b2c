-- Risk profile ids sort in byte order, as every other text key here and as on SQLite, so that
-- one ORDER BY lists profiles in the same order on both backends.
ALTER TABLE risk_profiles ALTER COLUMN profile_id TYPE TEXT COLLATE "C";
