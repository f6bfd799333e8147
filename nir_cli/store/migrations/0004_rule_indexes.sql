-- 0004: covering indexes for the rules of nir missing. On a large store most of a rule's time
-- went to reading registration rows one by one (they are wide: details, natural key); with
-- these, a rule reads its kind and probes a person's registrations from the indexes alone.

-- A kind's registrations (the rules start from one kind): everything a rule reads of them.
DROP INDEX registrations_kind;
CREATE INDEX registrations_kind ON registrations (kind, withdrawn, scheme, person_id, fact_date, id);

-- A person's registrations of a kind (history, and the rules' NOT EXISTS probes).
DROP INDEX registrations_person;
CREATE INDEX registrations_person ON registrations (person_id, kind, scheme, fact_date, withdrawn);

-- The two details the rules ask of many rows: a decision's outcome and an end's reason.
CREATE INDEX registrations_decision_outcome
    ON registrations (json_extract(details, '$.outcome'), scheme, person_id, fact_date, id)
    WHERE kind = 'decision' AND withdrawn = 0;
CREATE INDEX registrations_end_reason
    ON registrations (json_extract(details, '$.reason'), scheme, person_id, fact_date, id, deadline)
    WHERE kind = 'end' AND withdrawn = 0;

-- One live registration per natural key, as before; with withdrawn in it (always 0 there), the
-- rules count hours and absence per month from this index alone.
DROP INDEX registrations_natural_key;
CREATE UNIQUE INDEX registrations_natural_key ON registrations (natural_key, withdrawn)
    WHERE withdrawn = 0;

-- nir overdue reads what it lists of a registration from the index of unaccepted ones.
DROP INDEX registrations_unaccepted;
CREATE INDEX registrations_unaccepted
    ON registrations (deadline, person_id, kind, scheme, fact_date, id, withdrawn, registry_version,
                      version)
    WHERE withdrawn = 0 AND registry_version IS NOT version;
