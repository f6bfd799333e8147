-- 0012: asylum seekers under introduksjonsloven had no statutory right or duty («Asylsøkere
-- kan få inntil 175 timer opplæring i norsk, men har ingen lovfestet rett og plikt»), so they
-- leave the target group; under integreringsloven § 5 the duty holds from 18. The rest as 0011.
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
