-- 0003: the registry is a register of persons (issue #28); see the SQLite migration of the
-- same number for what each table is.

CREATE TABLE persons (
    person_id    TEXT PRIMARY KEY,
    duf          TEXT,
    fnr          TEXT,
    municipality TEXT NOT NULL
);
CREATE UNIQUE INDEX persons_duf ON persons (duf) WHERE duf IS NOT NULL;
CREATE UNIQUE INDEX persons_fnr ON persons (fnr) WHERE fnr IS NOT NULL;

ALTER TABLE records ADD COLUMN person_key TEXT;
UPDATE records SET person_key = id WHERE entity = 'person';
CREATE UNIQUE INDEX records_person_key ON records (municipality, person_key)
    WHERE entity = 'person' AND person_key IS NOT NULL;

-- The first record of each number (by change order within its municipality, then id) becomes
-- the person; a second one stays for `nir registry merge-duplicates`.
INSERT INTO persons (person_id, duf, fnr, municipality)
    SELECT DISTINCT ON (coalesce(body::jsonb ->> 'duf', id)) id, body::jsonb ->> 'duf',
           body::jsonb ->> 'fnr', municipality
    FROM records WHERE entity = 'person'
    ORDER BY coalesce(body::jsonb ->> 'duf', id), seq, id
ON CONFLICT DO NOTHING;

CREATE TABLE person_aliases (
    alias_id  TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    linked_at TEXT NOT NULL
);

CREATE TABLE moves (
    person_key        TEXT NOT NULL,
    from_municipality TEXT NOT NULL,
    to_municipality   TEXT NOT NULL,
    moved_on          TEXT NOT NULL,
    recorded_at       TEXT NOT NULL
);
CREATE INDEX moves_person ON moves (person_key, to_municipality);
