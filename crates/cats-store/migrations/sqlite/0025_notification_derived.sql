-- Storage (issue 16, ADR 0022): a notification row keeps its text and link only where they
-- differ from what crates/cats-store/src/notification_row.rs makes of its other columns (a
-- movement's notification text from its event type and reference; a link from its subject and
-- id). `derived` says which were left out: bit 1 the text, bit 2 the link. Rows written before
-- keep both (0).
ALTER TABLE notifications ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;
