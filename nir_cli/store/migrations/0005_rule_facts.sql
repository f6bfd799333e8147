-- 0005: what the rules of nir missing need to know of a person, kept up to date as
-- registrations are written, so that a rule looks closely only at the persons who may break it.
--
-- One row per person and scheme aggregates the person's live registrations of that scheme
-- ('-' for those without a scheme; a registration's scheme is NULL or one of the domain's
-- schemes, never ''). The row with scheme '' is the person as a whole: their
-- claims, offers and educations of every scheme (the rest of it stays empty, so that the many
-- hours and absence registrations touch one row each). Every person has a '' row.
--
-- Counts and first/last dates only: the rules use them to choose candidates and then run their
-- full query on those (see nir_cli.rules.catalogue), so a fact may say "maybe" but never hides
-- a finding. Months of hours and absence are the YYYY-MM at the end of the
-- natural key, which is unique among live registrations.
--
-- A new live registration adds to its rows (the hot path: import and pull). A changed,
-- withdrawn or deleted registration has its rows computed again from the registrations table.
-- Acknowledgements from the registry (registry_date, registry_version) change no fact.

CREATE TABLE rule_facts (
    scheme          TEXT NOT NULL,              -- a scheme, '-' for none, '' for the person
    person_id       TEXT NOT NULL,
    claims          INTEGER NOT NULL DEFAULT 0,
    last_claim      TEXT,
    offers          INTEGER NOT NULL DEFAULT 0,
    last_decision   TEXT,
    granted         INTEGER NOT NULL DEFAULT 0, -- decisions with outcome granted
    first_granted   TEXT,
    refused         INTEGER NOT NULL DEFAULT 0, -- decisions with outcome refused
    starts          INTEGER NOT NULL DEFAULT 0,
    first_start     TEXT,
    first_end       TEXT,
    goals           INTEGER NOT NULL DEFAULT 0,
    hours           INTEGER NOT NULL DEFAULT 0, -- months with hours, and the first and last
    first_hours     TEXT,
    last_hours      TEXT,
    absences        INTEGER NOT NULL DEFAULT 0, -- months with absence, and the first and last
    first_absence   TEXT,
    last_absence    TEXT,
    educations      INTEGER NOT NULL DEFAULT 0,
    upper_secondary INTEGER NOT NULL DEFAULT 0, -- educations with upper secondary education
    -- With one start and no end before it: the month up to which the months with hours (with
    -- absence) run without a gap from the start month; NULL when they do not.
    hours_through   TEXT GENERATED ALWAYS AS (
        CASE WHEN starts = 1 AND (first_end IS NULL OR first_end >= first_start)
                 AND first_hours = substr(first_start, 1, 7)
                 AND hours = (CAST(substr(last_hours, 1, 4) AS INTEGER) * 12
                            + CAST(substr(last_hours, 6, 2) AS INTEGER))
                           - (CAST(substr(first_hours, 1, 4) AS INTEGER) * 12
                              + CAST(substr(first_hours, 6, 2) AS INTEGER)) + 1
                THEN last_hours END) STORED,
    absences_through TEXT GENERATED ALWAYS AS (
        CASE WHEN starts = 1 AND (first_end IS NULL OR first_end >= first_start)
                 AND first_absence = substr(first_start, 1, 7)
                 AND absences = (CAST(substr(last_absence, 1, 4) AS INTEGER) * 12
                            + CAST(substr(last_absence, 6, 2) AS INTEGER))
                           - (CAST(substr(first_absence, 1, 4) AS INTEGER) * 12
                              + CAST(substr(first_absence, 6, 2) AS INTEGER)) + 1
                THEN last_absence END) STORED,
    PRIMARY KEY (scheme, person_id)
) STRICT, WITHOUT ROWID;

-- The keys to compute again: written and removed again within one statement.
CREATE TABLE rule_facts_keys (
    scheme    TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (scheme, person_id)
) STRICT, WITHOUT ROWID;

-- The facts of the given (scheme, person_id) keys, computed from the registrations table: the
-- same expressions the insert trigger adds up one registration at a time.
CREATE VIEW rule_facts_computed AS
SELECT k.scheme, k.person_id,
       count(CASE WHEN r.kind = 'claim' THEN 1 END) AS claims,
       max(CASE WHEN r.kind = 'claim' THEN r.fact_date END) AS last_claim,
       count(CASE WHEN r.kind = 'offer' THEN 1 END) AS offers,
       max(CASE WHEN r.kind = 'decision' THEN r.fact_date END) AS last_decision,
       count(CASE WHEN r.kind = 'decision'
                   AND json_extract(r.details, '$.outcome') = 'granted' THEN 1 END) AS granted,
       min(CASE WHEN r.kind = 'decision'
                 AND json_extract(r.details, '$.outcome') = 'granted' THEN r.fact_date END)
         AS first_granted,
       count(CASE WHEN r.kind = 'decision'
                   AND json_extract(r.details, '$.outcome') = 'refused' THEN 1 END) AS refused,
       count(CASE WHEN r.kind = 'start' THEN 1 END) AS starts,
       min(CASE WHEN r.kind = 'start' THEN r.fact_date END) AS first_start,
       min(CASE WHEN r.kind = 'end' THEN r.fact_date END) AS first_end,
       count(CASE WHEN r.kind = 'goal' THEN 1 END) AS goals,
       count(CASE WHEN r.kind = 'hours' THEN 1 END) AS hours,
       min(CASE WHEN r.kind = 'hours' THEN substr(r.natural_key, -7) END) AS first_hours,
       max(CASE WHEN r.kind = 'hours' THEN substr(r.natural_key, -7) END) AS last_hours,
       count(CASE WHEN r.kind = 'absence' THEN 1 END) AS absences,
       min(CASE WHEN r.kind = 'absence' THEN substr(r.natural_key, -7) END) AS first_absence,
       max(CASE WHEN r.kind = 'absence' THEN substr(r.natural_key, -7) END) AS last_absence,
       count(CASE WHEN r.kind = 'education' THEN 1 END) AS educations,
       count(CASE WHEN r.kind = 'education'
                   AND json_extract(r.details, '$.upper_secondary') = 1 THEN 1 END)
         AS upper_secondary
FROM rule_facts_keys k
LEFT JOIN registrations r
       ON r.person_id = k.person_id AND r.withdrawn = 0
      AND (coalesce(r.scheme, '-') = k.scheme
           OR (k.scheme = '' AND r.kind IN ('claim', 'offer', 'education')))
GROUP BY k.scheme, k.person_id;

CREATE TRIGGER persons_rule_facts AFTER INSERT ON persons
BEGIN
    INSERT OR IGNORE INTO rule_facts (scheme, person_id) VALUES ('', NEW.id);
END;

CREATE TRIGGER persons_rule_facts_delete AFTER DELETE ON persons
BEGIN
    DELETE FROM rule_facts WHERE person_id = OLD.id;
END;

CREATE TRIGGER registrations_rule_facts_insert AFTER INSERT ON registrations
WHEN NEW.withdrawn = 0
BEGIN
    INSERT INTO rule_facts (scheme, person_id, claims, last_claim, offers, last_decision, granted,
                            first_granted, refused, starts, first_start, first_end, goals, hours,
                            first_hours, last_hours, absences, first_absence, last_absence,
                            educations, upper_secondary)
    SELECT k.scheme, NEW.person_id,
           NEW.kind = 'claim', iif(NEW.kind = 'claim', NEW.fact_date, NULL),
           NEW.kind = 'offer', iif(NEW.kind = 'decision', NEW.fact_date, NULL),
           d.outcome IS 'granted', iif(d.outcome IS 'granted', NEW.fact_date, NULL),
           d.outcome IS 'refused',
           NEW.kind = 'start', iif(NEW.kind = 'start', NEW.fact_date, NULL),
           iif(NEW.kind = 'end', NEW.fact_date, NULL),
           NEW.kind = 'goal',
           NEW.kind = 'hours', iif(NEW.kind = 'hours', substr(NEW.natural_key, -7), NULL),
           iif(NEW.kind = 'hours', substr(NEW.natural_key, -7), NULL),
           NEW.kind = 'absence', iif(NEW.kind = 'absence', substr(NEW.natural_key, -7), NULL),
           iif(NEW.kind = 'absence', substr(NEW.natural_key, -7), NULL),
           NEW.kind = 'education', d.upper_secondary IS 1
    FROM (SELECT '' AS scheme WHERE NEW.kind IN ('claim', 'offer', 'education')
          UNION ALL SELECT coalesce(NEW.scheme, '-')) k,
         (SELECT iif(NEW.kind = 'decision', json_extract(NEW.details, '$.outcome'), NULL)
                   AS outcome,
                 iif(NEW.kind = 'education', json_extract(NEW.details, '$.upper_secondary'), NULL)
                   AS upper_secondary) d
    WHERE true
    ON CONFLICT (scheme, person_id) DO UPDATE SET
        claims = claims + excluded.claims,
        last_claim = coalesce(max(last_claim, excluded.last_claim), last_claim,
                              excluded.last_claim),
        offers = offers + excluded.offers,
        last_decision = coalesce(max(last_decision, excluded.last_decision), last_decision,
                                 excluded.last_decision),
        granted = granted + excluded.granted,
        first_granted = coalesce(min(first_granted, excluded.first_granted), first_granted,
                                 excluded.first_granted),
        refused = refused + excluded.refused,
        starts = starts + excluded.starts,
        first_start = coalesce(min(first_start, excluded.first_start), first_start,
                               excluded.first_start),
        first_end = coalesce(min(first_end, excluded.first_end), first_end, excluded.first_end),
        goals = goals + excluded.goals,
        hours = hours + excluded.hours,
        first_hours = coalesce(min(first_hours, excluded.first_hours), first_hours,
                               excluded.first_hours),
        last_hours = coalesce(max(last_hours, excluded.last_hours), last_hours,
                              excluded.last_hours),
        absences = absences + excluded.absences,
        first_absence = coalesce(min(first_absence, excluded.first_absence), first_absence,
                                 excluded.first_absence),
        last_absence = coalesce(max(last_absence, excluded.last_absence), last_absence,
                                excluded.last_absence),
        educations = educations + excluded.educations,
        upper_secondary = upper_secondary + excluded.upper_secondary;
END;

-- A key written to rule_facts_keys has its facts computed again (and is then removed by
-- whoever wrote it): the one place facts are computed from the registrations. Delete, then
-- insert: an OR REPLACE here would give way to the OR IGNORE of the statement that fires it.
CREATE TRIGGER rule_facts_keys_compute AFTER INSERT ON rule_facts_keys
BEGIN
    DELETE FROM rule_facts WHERE scheme = NEW.scheme AND person_id = NEW.person_id;
    INSERT INTO rule_facts (scheme, person_id, claims, last_claim, offers, last_decision,
                                   granted, first_granted, refused, starts, first_start,
                                   first_end, goals, hours, first_hours, last_hours, absences,
                                   first_absence, last_absence, educations, upper_secondary)
    SELECT * FROM rule_facts_computed
    WHERE scheme = NEW.scheme AND person_id = NEW.person_id;
END;

CREATE TRIGGER registrations_rule_facts_update
AFTER UPDATE OF person_id, kind, scheme, fact_date, natural_key, details, withdrawn
ON registrations
BEGIN
    INSERT OR IGNORE INTO rule_facts_keys (scheme, person_id)
    VALUES ('', OLD.person_id), (coalesce(OLD.scheme, '-'), OLD.person_id),
           ('', NEW.person_id), (coalesce(NEW.scheme, '-'), NEW.person_id);
    DELETE FROM rule_facts_keys;
END;

CREATE TRIGGER registrations_rule_facts_delete AFTER DELETE ON registrations
BEGIN
    INSERT OR IGNORE INTO rule_facts_keys (scheme, person_id)
    VALUES ('', OLD.person_id), (coalesce(OLD.scheme, '-'), OLD.person_id);
    DELETE FROM rule_facts_keys;
END;

-- The facts of the registrations already in the store.
INSERT INTO rule_facts_keys (scheme, person_id)
SELECT '', id FROM persons
UNION
SELECT coalesce(scheme, '-'), person_id FROM registrations WHERE withdrawn = 0;
DELETE FROM rule_facts_keys;

-- What nir missing and nir overdue show of a person, read from an index instead of the row.
CREATE INDEX persons_listing ON persons (id, last_name, first_name, duf, fnr, municipality, place);

-- The training window rule picks persons by permit date and regime, from the index alone.
CREATE INDEX persons_permit_date ON persons (permit_date, regime, id);

-- Each rule's candidates (nir_cli.rules.catalogue) from a partial index of their own, so that a
-- rule reads only the persons it may find, not a row for every person. The candidate queries
-- name their index (INDEXED BY) and repeat its WHERE; SQLite refuses one that does not.
CREATE INDEX rule_facts_no_claim_or_offer ON rule_facts (person_id)
    WHERE scheme = '' AND claims + offers = 0;
CREATE INDEX rule_facts_offer_late ON rule_facts (person_id)
    WHERE scheme = 'training' AND claims > 0 AND offers = 0;
CREATE INDEX rule_facts_programme_start_late ON rule_facts (person_id)
    WHERE scheme = 'programme' AND claims > 0 AND starts = 0 AND refused = 0;
CREATE INDEX rule_facts_claim_without_decision ON rule_facts (person_id)
    WHERE scheme > '' AND claims > 0 AND (last_decision IS NULL OR last_claim > last_decision);
CREATE INDEX rule_facts_granted_without_start ON rule_facts (person_id)
    WHERE scheme > '' AND granted > 0 AND starts = 0;
CREATE INDEX rule_facts_hours_gap ON rule_facts (scheme, person_id)
    WHERE scheme IN ('training', 'asylum') AND starts > 0 AND hours_through IS NULL;
CREATE INDEX rule_facts_hours_through ON rule_facts (scheme, hours_through, person_id)
    WHERE scheme IN ('training', 'asylum') AND starts > 0
      AND hours_through < coalesce(substr(first_end, 1, 7), '9999-12');
CREATE INDEX rule_facts_absence_gap ON rule_facts (scheme, person_id)
    WHERE scheme IN ('programme') AND starts > 0 AND absences_through IS NULL;
CREATE INDEX rule_facts_absence_through ON rule_facts (scheme, absences_through, person_id)
    WHERE scheme IN ('programme') AND starts > 0
      AND absences_through < coalesce(substr(first_end, 1, 7), '9999-12');
CREATE INDEX rule_facts_no_goal ON rule_facts (person_id)
    WHERE scheme = 'training' AND starts + granted > 0 AND goals = 0;
CREATE INDEX rule_facts_no_education ON rule_facts (person_id)
    WHERE scheme = '' AND educations = 0;
