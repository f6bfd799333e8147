-- 0009: who is in the introduction programme's target group (integreringsloven § 8 and § 9;
-- introduksjonsloven § 2): the same as nir_cli.domain.programme.programme_target, kept equal
-- to it by a property test. `since` is the settlement, or for family of refugees (who need not
-- be settled by agreement) the population registration when there is no settlement.
CREATE VIEW programme_target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(permit_date, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(permit_date, 6, 5) < substr(birth_date, 6, 5)) AS age_at_permit,
           coalesce(settlement_date, CASE WHEN residence_basis = 'family_of_refugee'
                                          THEN population_registration_date END) AS since
    FROM persons
)
WHERE residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                          'collective_protection', 'family_of_refugee')
  AND age_at_permit BETWEEN 18 AND 54
  AND (settlement_date IS NOT NULL OR residence_basis = 'family_of_refugee');
