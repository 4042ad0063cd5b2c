-- Storage (issue 16, ADR 0023): UUIDs as their 16 bytes (a BLOB) instead of 36 characters of
-- hyphenated text. A written-off movement keeps about 150 of them in its rows and indexes.
-- Every column that PostgreSQL declares UUID is rewritten here; crates/cats-store/src/sql.rs
-- binds and reads them as 16 bytes from now on, and
-- crates/cats-store/src/binary_ids_tests.rs checks this list against the PostgreSQL schema.
-- A TEXT column keeps a BLOB as it is (SQLite's type affinity converts only numbers), so no
-- table is rebuilt. Text that is not a hyphenated UUID is left as it was, for the reader to report.
-- The foreign keys are checked at the commit, when parents and children have both changed.
PRAGMA defer_foreign_keys = ON;
UPDATE movements SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE messages SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE messages SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE reservations SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE audit_log SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE registrations SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE attachments SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE attachments SET registration_id = coalesce(unhex(replace(registration_id, '-', '')), registration_id) WHERE typeof(registration_id) = 'text' AND length(registration_id) = 36;
UPDATE contracts SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE claims SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE claims SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE history SET subject_id = coalesce(unhex(replace(subject_id, '-', '')), subject_id) WHERE typeof(subject_id) = 'text' AND length(subject_id) = 36;
UPDATE notifications SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE notifications SET subject_id = coalesce(unhex(replace(subject_id, '-', '')), subject_id) WHERE typeof(subject_id) = 'text' AND length(subject_id) = 36;
UPDATE notifications SET message_id = coalesce(unhex(replace(message_id, '-', '')), message_id) WHERE typeof(message_id) = 'text' AND length(message_id) = 36;
UPDATE control_attachments SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE control_attachments SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE drafts SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE ice_outbox SET message_id = coalesce(unhex(replace(message_id, '-', '')), message_id) WHERE typeof(message_id) = 'text' AND length(message_id) = 36;
UPDATE ice_outbox SET trace_id = coalesce(unhex(replace(trace_id, '-', '')), trace_id) WHERE typeof(trace_id) = 'text' AND length(trace_id) = 36;
UPDATE ice_inbox SET message_id = coalesce(unhex(replace(message_id, '-', '')), message_id) WHERE typeof(message_id) = 'text' AND length(message_id) = 36;
UPDATE ice_fallback SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE notification_reads SET notification_id = coalesce(unhex(replace(notification_id, '-', '')), notification_id) WHERE typeof(notification_id) = 'text' AND length(notification_id) = 36;
UPDATE webhooks SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE notification_deliveries SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE notification_deliveries SET notification_id = coalesce(unhex(replace(notification_id, '-', '')), notification_id) WHERE typeof(notification_id) = 'text' AND length(notification_id) = 36;
UPDATE delivery_attempts SET delivery_id = coalesce(unhex(replace(delivery_id, '-', '')), delivery_id) WHERE typeof(delivery_id) = 'text' AND length(delivery_id) = 36;
UPDATE unmatched_arrivals SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE unmatched_arrival_messages SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE unmatched_arrival_messages SET arrival_id = coalesce(unhex(replace(arrival_id, '-', '')), arrival_id) WHERE typeof(arrival_id) = 'text' AND length(arrival_id) = 36;
UPDATE node_runs SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE saved_reports SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE support_requests SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE support_requests SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
UPDATE support_messages SET id = coalesce(unhex(replace(id, '-', '')), id) WHERE typeof(id) = 'text' AND length(id) = 36;
UPDATE support_messages SET request_id = coalesce(unhex(replace(request_id, '-', '')), request_id) WHERE typeof(request_id) = 'text' AND length(request_id) = 36;
UPDATE movement_declarations SET movement_id = coalesce(unhex(replace(movement_id, '-', '')), movement_id) WHERE typeof(movement_id) = 'text' AND length(movement_id) = 36;
