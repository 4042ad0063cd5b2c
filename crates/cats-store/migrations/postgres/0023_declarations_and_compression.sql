-- Storage and speed (issue 16).
--
-- Large texts are stored compressed as their row's codec says (crates/cats-store/src/codec.rs):
-- NULL raw DEFLATE (RFC 1951) without a dictionary, as message bodies were from migration 0020;
-- 1 Zstandard (RFC 8878) with dictionary 1.
--
-- A movement's current declaration (HMRC JSON shape of its CC015C) in a table of its own,
-- written when it changes, not with every customs step. `version` is the movement's version
-- when it was written. Movements stored before keep their declaration in their own row until
-- their next change moves it here; new movements leave movements.declaration empty.
CREATE TABLE movement_declarations (
    movement_id UUID PRIMARY KEY REFERENCES movements(id),
    version     BIGINT NOT NULL,
    codec       BIGINT,
    body        BYTEA NOT NULL   -- the JSON text, compressed
);

-- Projections compressed: a movement written from now on keeps its projection's JSON text in
-- projection_compressed and an empty projection; rows written before keep their text
-- (projection_compressed NULL) until their next change.
ALTER TABLE movements ADD COLUMN projection_compressed BYTEA;
ALTER TABLE movements ADD COLUMN projection_codec BIGINT;

-- Message bodies: body_deflate holds any codec's bytes from now on, so it is renamed.
ALTER TABLE messages RENAME COLUMN body_deflate TO body_compressed;
ALTER TABLE messages ADD COLUMN body_codec BIGINT;
