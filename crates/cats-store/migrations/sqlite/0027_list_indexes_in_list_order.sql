-- Movements at scale (issue 16, ADR 0023): every movement list is ordered `updated_at DESC,
-- id DESC` (crates/cats-store/src/movements.rs, list_statements). The list indexes ended at
-- `updated_at`, so SQLite sorted each run of equal times by id in a temporary B-tree, and a row
-- it sorts is a row it has read from the table: page 10 of a trader's list read the 450
-- movements it skips as well as the 50 it shows, scattered over the file (52 ms at p99 from disk
-- with a million movements). With the id in the index, SQLite walks the index backwards in the
-- list's order and reads from the table only the rows it shows. Each index begins as the old one
-- did, so it serves every query that the old one did.
-- The columns stay ascending: rows are written in time order, so new entries go to the end of
-- an ascending index, which SQLite fills page by page. A descending index takes them at its
-- start and splits pages half empty (measured: twice the pages for a million movements).
-- (PostgreSQL keeps its indexes; `cats bench fill --database-url postgres://…` measures its
-- lists.)
DROP INDEX movements_holder;
CREATE INDEX movements_holder ON movements(holder, updated_at, id);
DROP INDEX movements_holder_state;
CREATE INDEX movements_holder_state ON movements(holder, state, updated_at, id);
DROP INDEX movements_updated;
CREATE INDEX movements_updated ON movements(updated_at, id);
DROP INDEX movements_state_offices;
CREATE INDEX movements_state_offices ON movements(state, updated_at, id, offices);
