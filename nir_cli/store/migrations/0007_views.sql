-- 0007: views for ad-hoc questions (`nir sql`), plain SQL so any SQLite client can read them.

-- Persons as they stand, with whether the registry holds their current version.
CREATE VIEW current_persons AS
SELECT id, duf, fnr, first_name, last_name, birth_date, residence_basis, permit_date,
       settlement_date, population_registration_date, regime, municipality, place, version,
       registry_version, registry_date, registry_version IS version AS synced
FROM persons;

-- Live (not withdrawn) registrations with their person, two-month deadline and state: accepted
-- when the registry holds the current version, overdue when the deadline passed (UTC date)
-- without that, else pending. Kind-specific fields are in `details` (JSON).
CREATE VIEW current_registrations AS
SELECT r.id, r.person_id, p.duf, p.first_name, p.last_name, r.kind, r.scheme, r.fact_date,
       r.deadline,
       CASE
           WHEN r.registry_version IS r.version THEN 'accepted'
           WHEN date('now') > r.deadline THEN 'overdue'
           ELSE 'pending'
       END AS state,
       r.municipality, r.place, r.version, r.registry_version, r.registry_date, r.details
FROM registrations r
JOIN persons p ON p.id = r.person_id
WHERE r.withdrawn = 0;
