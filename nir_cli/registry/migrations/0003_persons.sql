-- 0003: the registry is a register of persons (issue #28): one person per DUF number and per
-- fødselsnummer, whichever office sends it, shared by the offices of a municipality and handed
-- over to the municipality a person moves to.

-- The persons: each the id of the first person record sent for it, its numbers, and the
-- municipality it lives in now (a move changes it). The numbers are unique: the database, not
-- a check in Python, keeps one person per number.
CREATE TABLE persons (
    person_id    TEXT PRIMARY KEY,
    duf          TEXT,
    fnr          TEXT,
    municipality TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX persons_duf ON persons (duf) WHERE duf IS NOT NULL;
CREATE UNIQUE INDEX persons_fnr ON persons (fnr) WHERE fnr IS NOT NULL;

-- The person a person record is: one record per person and municipality (a municipality the
-- person moved to sends a record of its own). NULL for a record merged into another.
ALTER TABLE records ADD COLUMN person_key TEXT;
UPDATE records SET person_key = id WHERE entity = 'person';
CREATE UNIQUE INDEX records_person_key ON records (municipality, person_key)
    WHERE entity = 'person' AND person_key IS NOT NULL;
CREATE INDEX records_person ON records (person_id) WHERE person_id IS NOT NULL;

-- Today's persons, the first record of each number (by change order) becoming the person. A
-- second record of a number stays as it was: `nir registry merge-duplicates` finds them.
INSERT OR IGNORE INTO persons (person_id, duf, fnr, municipality)
    SELECT id, json_extract(body, '$.duf'), json_extract(body, '$.fnr'), municipality
    FROM records WHERE entity = 'person' ORDER BY seq;

-- A person record id a second office sent for a person the municipality had already: the
-- record it became. A registration sent with the alias is stored on that record.
CREATE TABLE person_aliases (
    alias_id  TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    linked_at TEXT NOT NULL
) STRICT;

-- A person's moves (flytting): from the municipality it lived in to the one whose record of it
-- arrived, on the date of its population registration there.
CREATE TABLE moves (
    person_key        TEXT NOT NULL,
    from_municipality TEXT NOT NULL,
    to_municipality   TEXT NOT NULL,
    moved_on          TEXT NOT NULL,
    recorded_at       TEXT NOT NULL
) STRICT;
CREATE INDEX moves_person ON moves (person_key, to_municipality);
