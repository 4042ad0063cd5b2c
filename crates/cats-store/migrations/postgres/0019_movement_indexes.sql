-- Movements at scale (issue 16): search by LRN (officers, who see more than one holder). The
-- SQLite migration of the same number also fixes its partial index on live LRNs and adds the
-- trader list's index that PostgreSQL has had since 0001.
CREATE INDEX movements_lrn ON movements(lrn);
-- A list by state, newest first (an officer's "arrived", "released for transit" …).
CREATE INDEX movements_state ON movements(state, updated_at);
-- A trader's list by state.
CREATE INDEX movements_holder_state ON movements(holder, state, updated_at);
