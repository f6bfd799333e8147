-- 0016: a smaller store (issue #33). At 100,000 persons the store was 226 MB, twelve times what
-- sqlite-utils makes of the same file: a full JSON copy of every person's current version, a
-- covering index that copied the findings, and indexes no query reads any more.

-- A person's current version is the persons row: its body in person_versions is NULL, and the
-- row's columns are read instead (nir_cli.store.person_versions.body_sql; the view
-- person_version_bodies, for `nir sql`). When the row changes, the trigger below first writes
-- the body of the version it held, so every earlier version keeps its own. Without rowid: the
-- primary key is the table, not an index beside it. Made anew, as SQLite's procedure asks:
-- nir: foreign keys off
CREATE TABLE person_versions_0016 (
    person_id   TEXT NOT NULL REFERENCES persons (id),
    version     INTEGER NOT NULL,
    body        TEXT,               -- JSON of the person as of this version; NULL: the persons row
    entry_date  TEXT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (person_id, version)
) STRICT, WITHOUT ROWID;

-- The current version's body goes only where the row holds the same person, member for member
-- (a body written before a column existed keeps its own text).
INSERT INTO person_versions_0016 (person_id, version, body, entry_date, source)
SELECT v.person_id, v.version,
       CASE WHEN p.version = v.version AND json(v.body) = json_object(
                'duf', p.duf, 'fnr', p.fnr, 'first_name', p.first_name,
                'last_name', p.last_name, 'birth_date', p.birth_date,
                'residence_basis', p.residence_basis, 'permit_date', p.permit_date,
                'settlement_date', p.settlement_date,
                'population_registration_date', p.population_registration_date,
                'arrival_date', p.arrival_date, 'regime', p.regime,
                'municipality', p.municipality, 'place', p.place)
            THEN NULL ELSE v.body END,
       v.entry_date, v.source
FROM person_versions v LEFT JOIN persons p ON p.id = v.person_id;
DROP TABLE person_versions;
ALTER TABLE person_versions_0016 RENAME TO person_versions;

-- The members in PersonData's order (tests/store/test_versions.py holds them to it).
CREATE TRIGGER person_versions_keep_body
AFTER UPDATE OF version, duf, fnr, first_name, last_name, birth_date, residence_basis,
                permit_date, settlement_date, population_registration_date, arrival_date,
                regime, municipality, place
ON persons
BEGIN
    UPDATE person_versions SET body = json_object(
        'duf', OLD.duf, 'fnr', OLD.fnr, 'first_name', OLD.first_name,
        'last_name', OLD.last_name, 'birth_date', OLD.birth_date,
        'residence_basis', OLD.residence_basis, 'permit_date', OLD.permit_date,
        'settlement_date', OLD.settlement_date,
        'population_registration_date', OLD.population_registration_date,
        'arrival_date', OLD.arrival_date, 'regime', OLD.regime,
        'municipality', OLD.municipality, 'place', OLD.place)
    WHERE person_id = OLD.id AND version = OLD.version AND body IS NULL;
END;

CREATE TRIGGER person_versions_keep_body_on_delete AFTER DELETE ON persons
BEGIN
    UPDATE person_versions SET body = json_object(
        'duf', OLD.duf, 'fnr', OLD.fnr, 'first_name', OLD.first_name,
        'last_name', OLD.last_name, 'birth_date', OLD.birth_date,
        'residence_basis', OLD.residence_basis, 'permit_date', OLD.permit_date,
        'settlement_date', OLD.settlement_date,
        'population_registration_date', OLD.population_registration_date,
        'arrival_date', OLD.arrival_date, 'regime', OLD.regime,
        'municipality', OLD.municipality, 'place', OLD.place)
    WHERE person_id = OLD.id AND version = OLD.version AND body IS NULL;
END;

-- A version is written without its body only as the persons row's current version: one written
-- after the row moved on would read another version's body (a loud failure instead).
CREATE TRIGGER person_versions_current_only BEFORE INSERT ON person_versions
WHEN NEW.body IS NULL
 AND NEW.version IS NOT (SELECT version FROM persons WHERE id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'a person version without a body must be its persons row''s version');
END;

-- Every version's body, the current one's from the persons row: what `nir sql` reads.
CREATE VIEW person_version_bodies AS
SELECT v.person_id, v.version,
       CASE WHEN v.body IS NOT NULL THEN v.body WHEN p.version = v.version THEN json_object(
           'duf', p.duf, 'fnr', p.fnr, 'first_name', p.first_name,
           'last_name', p.last_name, 'birth_date', p.birth_date,
           'residence_basis', p.residence_basis, 'permit_date', p.permit_date,
           'settlement_date', p.settlement_date,
           'population_registration_date', p.population_registration_date,
           'arrival_date', p.arrival_date, 'regime', p.regime,
           'municipality', p.municipality, 'place', p.place) END AS body,
       v.entry_date, v.source
FROM person_versions v LEFT JOIN persons p ON p.id = v.person_id;

-- The kept findings (0012) clustered by person, without rowid: a write computes a person's
-- findings again and deletes theirs by the primary key, which was an index beside the table
-- (findings_person); `n` numbers the rows of a rule computed together. nir missing and nir status
-- read them in one pass over the table (nir_cli.rules.findings.missing), as fast as through
-- the covering index findings_rule, which was a second copy of them. Made empty: the rules'
-- stamp is cleared, so the next write or read computes every person's findings again.
DROP TABLE findings;
CREATE TABLE findings (
    person_id   TEXT NOT NULL,
    rule        TEXT NOT NULL,
    n           INTEGER NOT NULL,
    scheme      TEXT,
    since       TEXT,
    deadline    TEXT,
    fires_from  TEXT NOT NULL,
    fires_until TEXT NOT NULL,
    ref         TEXT,
    cap         TEXT,
    excused     TEXT,
    registered  TEXT,
    PRIMARY KEY (person_id, rule, n)
) STRICT, WITHOUT ROWID;
UPDATE findings_state SET rules = '';

-- Indexes no query reads since the findings are kept (0012): each was written with every row.
-- The window rule picked persons by date through these; it now runs on the persons a write
-- touched, by id.
DROP INDEX persons_permit_date;
DROP INDEX persons_later_arrival;
DROP INDEX persons_collective_protection;
DROP INDEX persons_birth_date;
-- A municipality's registrations are read through their persons.
DROP INDEX registrations_municipality;

-- The indexes that stay, and what reads them:
--   persons: the primary key (every read of a person); persons_duf, persons_fnr (unique: one
--     person per number; nir person show DUF, the import's matching); persons_municipality
--     (--municipality/--place on person list and the reports); persons_short_id (a short id
--     typed on the command line); persons_listing (the name and numbers that nir missing and
--     nir overdue show of each person, from the index alone).
--   registrations: the primary key; registrations_natural_key (unique: one live registration
--     per key; the import's matching, the monthly rules' counts); registrations_person (a
--     person's history, the rules' probes); registrations_kind (each rule's first kind);
--     registrations_decision_outcome, registrations_end_reason (the rules' details);
--     registrations_unaccepted (nir overdue, nir status); registrations_short_id.
--   findings: its primary key (above); outbox_state (the push's next batch).
