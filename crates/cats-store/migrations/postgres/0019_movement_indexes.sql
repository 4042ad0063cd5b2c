-- Movements at scale (issue 16): search by LRN (officers, who see more than one holder). The
-- SQLite migration of the same number also fixes its partial index on live LRNs and adds the
-- trader list's index that PostgreSQL has had since 0001.
CREATE INDEX movements_lrn ON movements(lrn);
