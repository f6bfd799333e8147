-- 0008: a person's arrival date in Norway (ankomstdato): with the permit date it decides
-- whether introduksjonsloven or integreringsloven applies (integreringsforskriften § 72).
ALTER TABLE persons ADD COLUMN arrival_date TEXT;

DROP VIEW current_persons;
CREATE VIEW current_persons AS
SELECT id, duf, fnr, first_name, last_name, birth_date, residence_basis, permit_date,
       settlement_date, population_registration_date, arrival_date, regime, municipality, place,
       version, registry_version, registry_date, registry_version IS version AS synced
FROM persons;
