-- 0002: what the deadline rules and reports query: a view of the target group, and indexes.

-- Who has a right or a duty to training in Norwegian and social studies (BRIEF 1.1): the same
-- table as nir_cli.domain.entitlement.suggest, kept equal to it by a property test.
-- age_at_permit is whole years on the permit date.
CREATE VIEW target_group AS
SELECT *
FROM (
    SELECT persons.*,
           CAST(substr(permit_date, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
             - (substr(permit_date, 6, 5) < substr(birth_date, 6, 5)) AS age_at_permit
    FROM persons
)
WHERE CASE
    WHEN residence_basis = 'asylum_seeker' THEN 1
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

-- Registrations the registry does not hold yet, by deadline: nir overdue and nir status.
CREATE INDEX registrations_unaccepted ON registrations (deadline)
    WHERE withdrawn = 0 AND registry_version IS NOT version;

-- The rules start from one kind (all claims, all test sign-ups, ...).
CREATE INDEX registrations_kind ON registrations (kind, scheme, person_id);

-- Short ids are the random tail of the (time-ordered) UUID: looked up by these.
CREATE INDEX persons_short_id ON persons (substr(id, 29));
CREATE INDEX registrations_short_id ON registrations (substr(id, 29));
