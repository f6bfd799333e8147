-- 0014: the target groups as the law and IMDi's lists draw them (issue #27).
--
-- Training (integreringsloven § 27, IMDi's norsktilskudd list of 2024): besides protection and
-- family of protected persons, a limited permit as a member of a family with children
-- (utlendingsloven § 38 fifth paragraph, from its first renewal), a renewable permit under § 53
-- and other permits that give grounds for permanent residence. Asylum seekers under
-- introduksjonsloven: a duty (§ 20 a) from 16 for those who came to reception (the arrival,
-- else the permit) from 1 Sep 2018, none before; under integreringsloven from 18 (§ 5). Labour immigrants keep their duty (§ 28): they stay in the target
-- group; the rules that owe an offer leave them out.
--
-- The programme (integreringsloven § 9): the limited permit (§ 9 first paragraph d) and the
-- independent permit under § 53 (§ 9 g, which like family immigration needs no settlement by
-- agreement, so it counts from the population registration).
--
-- Kept equal to nir_cli.domain.entitlement.suggest and nir_cli.domain.programme by property
-- tests.
DROP VIEW target_group;
CREATE VIEW target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(coalesce(permit_date, arrival_date), 1, 4) AS INTEGER)
             - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(coalesce(permit_date, arrival_date), 6, 5) < substr(birth_date, 6, 5))
             AS age_at_permit,
           CAST(substr(coalesce(arrival_date, permit_date), 1, 4) AS INTEGER)
             - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(coalesce(arrival_date, permit_date), 6, 5) < substr(birth_date, 6, 5))
             AS age_on_arrival
    FROM persons
)
WHERE CASE
    -- An asylum seeker counts from the coming to reception: the arrival, else the permit.
    WHEN residence_basis = 'asylum_seeker' THEN
        CASE WHEN regime = 'introduksjonsloven'
             THEN coalesce(arrival_date, permit_date) >= '2018-09-01' AND age_on_arrival >= 16
             ELSE coalesce(age_on_arrival, 99) >= 18 END
    WHEN regime = 'introduksjonsloven' THEN
        (residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                             'collective_protection', 'family_of_refugee',
                             'family_of_norwegian_or_nordic', 'limited_family',
                             'independent_permit', 'other_permanent_basis')
         AND age_at_permit BETWEEN 16 AND 66)
        OR (residence_basis IN ('labour_non_eea', 'family_of_labour_non_eea')
            AND age_at_permit BETWEEN 16 AND 54)
    WHEN regime = 'integreringsloven' THEN
        residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                            'collective_protection', 'family_of_refugee',
                            'family_of_norwegian_or_nordic', 'limited_family',
                            'independent_permit', 'other_permanent_basis', 'labour_non_eea',
                            'family_of_labour_non_eea')
        AND age_at_permit BETWEEN 18 AND 66
    WHEN regime = 'integreringsloven_6a' THEN
        residence_basis = 'collective_protection' AND age_at_permit BETWEEN 18 AND 66
    ELSE 0
END;

DROP VIEW programme_target_group;
CREATE VIEW programme_target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(permit_date, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(permit_date, 6, 5) < substr(birth_date, 6, 5)) AS age_at_permit,
           coalesce(settlement_date,
                    CASE WHEN residence_basis IN ('family_of_refugee', 'independent_permit')
                         THEN population_registration_date END) AS since
    FROM persons
)
WHERE residence_basis IN ('refugee', 'resettlement_refugee', 'humanitarian',
                          'collective_protection', 'family_of_refugee', 'limited_family',
                          'independent_permit')
  AND age_at_permit BETWEEN 18 AND 54
  AND (settlement_date IS NOT NULL
       OR residence_basis IN ('family_of_refugee', 'independent_permit'));
