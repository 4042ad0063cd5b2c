-- Movements at scale (issue 16).
-- The partial unique index on live LRNs said `WHERE live = 1` while the statements say
-- `live = TRUE`, which SQLite does not take for the same condition: the LRN check of every
-- lodging read the whole movements table (a lodging slowed down with every movement stored).
DROP INDEX movements_live_lrn;
CREATE UNIQUE INDEX movements_live_lrn ON movements(holder, lrn) WHERE live = TRUE;
-- A trader's movement list, newest first, and its count (PostgreSQL has had it since 0001).
CREATE INDEX movements_holder ON movements(holder, updated_at);
-- Search by LRN (officers, who see more than one holder).
CREATE INDEX movements_lrn ON movements(lrn);
-- A list by state, newest first (an officer's "arrived", "released for transit" …).
CREATE INDEX movements_state ON movements(state, updated_at);
-- A trader's list by state.
CREATE INDEX movements_holder_state ON movements(holder, state, updated_at);
