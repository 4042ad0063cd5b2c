-- Movements at scale (issue 16): an officer's list by state (arrived, released for transit …)
-- filters the officer's country on the offices of each movement. With the state index alone
-- every candidate row was read from the table to test its offices, and the list's count read up
-- to 10,001 of them: 53 ms at p99 with ten million movements stored. The offices in the index
-- let the count and the page test the country on the index entry, and read the table only for
-- the rows shown. The new index begins as the old one did, so it serves every query that did.
CREATE INDEX movements_state_offices ON movements(state, updated_at, offices);
DROP INDEX movements_state;
