-- 0010: asylum seekers in reception.
--
-- An asylum seeker has no residence permit yet (integreringsloven § 5), so persons.permit_date
-- may be NULL. SQLite cannot drop a NOT NULL, so the table is made anew:
-- the old one is renamed aside with legacy_alter_table on (so that person_versions' and
-- registrations' foreign keys, the views and the triggers keep naming `persons`), the rows are
-- copied into the new `persons`, the old table is dropped (which fires no trigger), and its
-- indexes and triggers are made again as 0001, 0002 and 0005 made them.
-- nir: foreign keys off
PRAGMA legacy_alter_table = ON;
ALTER TABLE persons RENAME TO persons_0009;

CREATE TABLE persons (
    id                           TEXT PRIMARY KEY,      -- client-generated UUID
    version                      INTEGER NOT NULL,      -- local version, 1, 2, ...
    duf                          TEXT,
    fnr                          TEXT,
    first_name                   TEXT NOT NULL,
    last_name                    TEXT NOT NULL,
    birth_date                   TEXT NOT NULL,
    residence_basis              TEXT NOT NULL,
    permit_date                  TEXT,                  -- NULL: an asylum seeker without one
    settlement_date              TEXT,
    population_registration_date TEXT,
    regime                       TEXT NOT NULL,
    municipality                 TEXT NOT NULL,
    place                        TEXT,
    created_at                   TEXT NOT NULL,         -- entry date of version 1 (UTC)
    entry_date                   TEXT NOT NULL,         -- entry date of this version (UTC)
    source                       TEXT NOT NULL,         -- 'cli' or 'import:<id>' of this version
    registry_date                TEXT,                  -- when the registry accepted registry_version
    registry_version             INTEGER,               -- the version the registry holds
    arrival_date                 TEXT                   -- 0008
) STRICT;

INSERT INTO persons (id, version, duf, fnr, first_name, last_name, birth_date, residence_basis,
                     permit_date, settlement_date, population_registration_date, regime,
                     municipality, place, created_at, entry_date, source, registry_date,
                     registry_version, arrival_date)
SELECT id, version, duf, fnr, first_name, last_name, birth_date, residence_basis, permit_date,
       settlement_date, population_registration_date, regime, municipality, place, created_at,
       entry_date, source, registry_date, registry_version, arrival_date
FROM persons_0009;

DROP TABLE persons_0009;
PRAGMA legacy_alter_table = OFF;

CREATE UNIQUE INDEX persons_duf ON persons (duf) WHERE duf IS NOT NULL;
CREATE UNIQUE INDEX persons_fnr ON persons (fnr) WHERE fnr IS NOT NULL;
CREATE INDEX persons_municipality ON persons (municipality, place);
CREATE INDEX persons_short_id ON persons (substr(id, 29));
CREATE INDEX persons_listing ON persons (id, last_name, first_name, duf, fnr, municipality, place);
CREATE INDEX persons_permit_date ON persons (permit_date, regime, id);

CREATE TRIGGER persons_rule_facts AFTER INSERT ON persons
BEGIN
    INSERT OR IGNORE INTO rule_facts (scheme, person_id) VALUES ('', NEW.id);
END;

CREATE TRIGGER persons_rule_facts_delete AFTER DELETE ON persons
BEGIN
    DELETE FROM rule_facts WHERE person_id = OLD.id;
END;

-- The target group: under integreringsloven § 5 an asylum seeker has the duty from 18
-- («Plikten for opplæring i mottak gjelder fra fylte 18 år»), counted on the permit, else the
-- arrival, else taken as an adult (reception registers training for those of age); under
-- introduksjonsloven an asylum seeker had no statutory right or duty («Asylsøkere kan få inntil
-- 175 timer opplæring i norsk, men har ingen lovfestet rett og plikt»). The rest as in 0002.
-- Kept equal to nir_cli.domain.entitlement.suggest by a property test.
DROP VIEW target_group;
CREATE VIEW target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(coalesce(permit_date, arrival_date), 1, 4) AS INTEGER)
             - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(coalesce(permit_date, arrival_date), 6, 5) < substr(birth_date, 6, 5))
             AS age_at_permit
    FROM persons
)
WHERE CASE
    WHEN residence_basis = 'asylum_seeker' THEN
        regime != 'introduksjonsloven' AND coalesce(age_at_permit, 99) >= 18
    WHEN regime = 'introduksjonsloven' THEN
        (residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                             'collective_protection', 'family_of_refugee',
                             'family_of_norwegian_or_nordic')
         AND age_at_permit BETWEEN 16 AND 66)
        OR (residence_basis IN ('labour_non_eea', 'family_of_labour_non_eea')
            AND age_at_permit BETWEEN 16 AND 54)
    WHEN regime = 'integreringsloven' THEN
        residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                            'collective_protection', 'family_of_refugee',
                            'family_of_norwegian_or_nordic', 'labour_non_eea',
                            'family_of_labour_non_eea')
        AND age_at_permit BETWEEN 18 AND 66
    WHEN regime = 'integreringsloven_6a' THEN
        residence_basis = 'collective_protection' AND age_at_permit BETWEEN 18 AND 66
    ELSE 0
END;
