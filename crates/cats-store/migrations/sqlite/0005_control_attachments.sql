-- Issue 6, item 3: photos and documents attached to control records. The record itself (findings,
-- seals, remarks, the attachments' metadata) is part of the movement's projection; the bytes are
-- kept here, never updated or deleted.
CREATE TABLE control_attachments (
    id              TEXT PRIMARY KEY,
    movement_id     TEXT NOT NULL REFERENCES movements(id),
    control_number  INTEGER NOT NULL CHECK (control_number >= 1),
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size >= 0),
    sha256          TEXT NOT NULL,
    data            BLOB NOT NULL,
    uploaded_at     TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL
);
CREATE INDEX control_attachments_movement ON control_attachments(movement_id, control_number);
