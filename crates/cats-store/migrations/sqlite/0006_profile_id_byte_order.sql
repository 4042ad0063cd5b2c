-- Nothing to change on SQLite (text compares in byte order); the PostgreSQL migration of the
-- same number makes risk profile ids sort that way there too.
SELECT 1;
