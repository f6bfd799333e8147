-- 0010: asylum seekers in reception are in the target group from 18 under integreringsloven
-- (§ 5: «Plikten for opplæring i mottak gjelder fra fylte 18 år»), from 16 under
-- introduksjonsloven; the rest as in 0002. Kept equal to nir_cli.domain.entitlement.suggest by
-- a property test.
DROP VIEW target_group;
CREATE VIEW target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(permit_date, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(permit_date, 6, 5) < substr(birth_date, 6, 5)) AS age_at_permit
    FROM persons
)
WHERE CASE
    WHEN residence_basis = 'asylum_seeker' THEN
        age_at_permit >= CASE WHEN regime = 'introduksjonsloven' THEN 16 ELSE 18 END
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
