#!/usr/bin/env python3
"""Make a preset dictionary for the store's DEFLATE (issue 16, storage).

Usage: tools/dictionary/make.py DATABASE OUT [SAMPLE ...]

DATABASE is a SQLite database written by `cats replay data/replay/middle-corridor.jsonl
--data-dir DIR` (DIR/cats.db); OUT the dictionary file; each SAMPLE a message file to put first
(dictionary 1: crates/cats-ncts/tests/fixtures/cc015c-corridor.xml, a declaration laid out with
line breaks and indentation, where the replay's messages have none). After the samples come one
movement projection, one declaration and one stored message of every message type (inbound,
outbound and customs events, from one movement where it can), the least common first: DEFLATE
finds repeated strings at the shortest distance at the end of a dictionary, and keeps at most
its last 32 KB.

The replay's random draws (risk selection) differ from run to run, so two runs make files that
differ in a few bytes; either serves. A dictionary, once shipped, is never changed: rows name the codec they were written with, and
`crates/cats-store/src/codec.rs` pins each codec's dictionary by its SHA-256. A better one is a
new file with the next number, and a new codec. Reading rows of codec 1 or later needs Python's
`zstandard` package (`pip install zstandard`).
"""
import sqlite3
import sys
import zlib
from collections import Counter

LIMIT = 32_000


DICTIONARIES = "crates/cats-store/src/dictionaries"


def stored(blob, codec=None):
    """A stored value, read as its row's codec says (codec.rs): None raw DEFLATE, N Zstandard
    with dictionary N as raw content."""
    if codec is None:
        return zlib.decompress(blob, -15)
    import zstandard

    with open(f"{DICTIONARIES}/{codec}.dict", "rb") as f:
        dictionary = zstandard.ZstdCompressionDict(
            f.read(), dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
    return zstandard.ZstdDecompressor(dict_data=dictionary).decompress(blob)


def main(database, out, samples):
    db = sqlite3.connect(database)
    rows = db.execute(
        "SELECT m.movement_id, m.message_type, m.body_compressed, m.body_codec FROM messages m "
        "JOIN movements v ON v.id = m.movement_id ORDER BY v.created_at, v.id, m.seq"
    ).fetchall()
    counts = Counter(t for _, t, _, _ in rows)
    # The movement with the most message types gives each type it has; others fill the rest.
    types_of = {}
    for movement, kind, _, _ in rows:
        types_of.setdefault(movement, set()).add(kind)
    richest = max(types_of, key=lambda m: len(types_of[m]))
    sample = {}
    for movement, kind, body, codec in rows:
        if kind not in sample or (movement == richest and sample[kind][0] != richest):
            sample[kind] = (movement, stored(body, codec))
    projection, projection_codec, declaration, codec = db.execute(
        "SELECT v.projection_compressed, v.projection_codec, d.body, d.codec "
        "FROM movements v JOIN movement_declarations d ON d.movement_id = v.id WHERE v.id = ?",
        (richest,),
    ).fetchone()
    parts = [open(path, "rb").read() for path in samples]
    parts += [stored(projection, projection_codec), stored(declaration, codec)]
    parts += [sample[k][1] for k in sorted(sample, key=lambda k: (counts[k], k))]
    dictionary = b"".join(parts)[-LIMIT:]
    with open(out, "wb") as f:
        f.write(dictionary)
    print(f"{out}: {len(dictionary)} bytes, {len(sample)} message types")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
