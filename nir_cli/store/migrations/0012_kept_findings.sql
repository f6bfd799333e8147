-- 0012: the findings of nir missing, kept current as the register is written, so that
-- nir missing and nir status read them instead of running every rule over every person
-- (nir_cli.rules.kept).
--
-- One row per finding a rule makes of a person on some dates: it fires from `fires_from` (the
-- day after the deadline it breaks) until the day before `fires_until` ('9999-12-31' when only
-- a change of the facts ends it), so a reader picks the rows in force on its date. The columns
-- after it hold what the finding's sentence needs (nir_cli.rules.rule.KEPT_COLUMNS).
CREATE TABLE findings (
    rule        TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    scheme      TEXT,
    since       TEXT,
    deadline    TEXT,
    fires_from  TEXT NOT NULL,
    fires_until TEXT NOT NULL,
    ref         TEXT,
    cap         TEXT,
    excused     TEXT,
    registered  TEXT
) STRICT;
CREATE INDEX findings_person ON findings (person_id);
-- What nir missing reads of a rule's findings in force on a date, and nir status counts, from
-- the index alone (the monthly rules' sentences read their months from the row).
CREATE INDEX findings_rule
    ON findings (rule, fires_from, fires_until, person_id, scheme, since, deadline, ref);

-- The persons whose findings a write in this transaction may have changed: filled by the
-- triggers below, emptied when their findings are computed again before the commit.
CREATE TABLE findings_dirty (
    person_id TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

-- A stamp of the rules that computed the kept findings (one row): a nir whose rules differ
-- computes them again.
CREATE TABLE findings_state (
    rules TEXT NOT NULL
) STRICT;
INSERT INTO findings_state (rules) VALUES ('');

-- The triggers mark a person with NOT EXISTS, not INSERT OR IGNORE: a conflict clause on the
-- statement that fires a trigger (INSERT OR REPLACE, OR FAIL) would replace the trigger's own.
CREATE TRIGGER findings_registration_insert AFTER INSERT ON registrations
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT NEW.person_id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = NEW.person_id);
END;

-- Not on what the registry's acknowledgement writes (registry_date, registry_version): no
-- rule reads it.
CREATE TRIGGER findings_registration_update
AFTER UPDATE OF id, person_id, kind, scheme, fact_date, deadline, natural_key, details, withdrawn
ON registrations
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT OLD.person_id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = OLD.person_id);
    INSERT INTO findings_dirty (person_id) SELECT NEW.person_id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = NEW.person_id);
END;

CREATE TRIGGER findings_registration_delete AFTER DELETE ON registrations
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT OLD.person_id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = OLD.person_id);
END;

CREATE TRIGGER findings_person_insert AFTER INSERT ON persons
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = NEW.id);
END;

-- What the rules read of a person; names and places are read with the findings.
CREATE TRIGGER findings_person_update
AFTER UPDATE OF id, birth_date, residence_basis, permit_date, settlement_date,
                population_registration_date, regime, arrival_date
ON persons
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT OLD.id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = OLD.id);
    INSERT INTO findings_dirty (person_id) SELECT NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = NEW.id);
END;

CREATE TRIGGER findings_person_delete AFTER DELETE ON persons
BEGIN
    INSERT INTO findings_dirty (person_id) SELECT OLD.id
    WHERE NOT EXISTS (SELECT 1 FROM findings_dirty WHERE person_id = OLD.id);
END;

-- Every person of a store that had none: computed before this migration commits.
INSERT INTO findings_dirty (person_id) SELECT id FROM persons;
