-- Office scopes finer than a country (issue 11): the offices an officer acts at, space-separated
-- customs office reference numbers; empty: every office of its country.
ALTER TABLE users ADD COLUMN offices TEXT NOT NULL DEFAULT '';
