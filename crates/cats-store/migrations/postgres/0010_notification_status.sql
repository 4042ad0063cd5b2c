-- The status of the record after the event a notification tells (`approved`, `paid` …), so that
-- the pages word it in the reader's language (issue 11); empty for older rows.
ALTER TABLE notifications ADD COLUMN status TEXT NOT NULL DEFAULT '';
