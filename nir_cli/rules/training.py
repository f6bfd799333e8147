"""The rules of `nir missing` for training in Norwegian and social studies (integreringsloven
chapter 6, introduksjonsloven chapter 4): offers, months of hours, goals, the window.
See nir_cli.rules.catalogue for how the queries are built."""

from __future__ import annotations

from nir_cli.constants import WINDOW_WARNING_DAYS
from nir_cli.domain.entitlement import (
    RIGHT_ENDS_AT_MONTHS,
    WINDOW_MONTHS,
    WINDOW_MONTHS_6A,
    WINDOW_MONTHS_UPPER_SECONDARY,
)
from nir_cli.domain.law import OFFER_FROM_POPULATION_REGISTRATION
from nir_cli.i18n import N_, _, ngettext
from nir_cli.rules.fragments import (
    LIVE,
    UPPER_SECONDARY,
    detail,
    exempted_from_training,
    in_window,
    monthly_candidates,
    monthly_gaps,
)
from nir_cli.rules.rule import Rule


def skill_reached(skill: str) -> str:
    """Test result `r` reaches goal `g` in one skill: the skill was not tested (the goal is
    judged on the sub-tests taken), or its level is at least the skill's own norskmål, else the
    goal's one level (a skill with neither has no goal to reach)."""
    return (
        f"coalesce(nir_level_rank(json_extract(r.details, '$.{skill}')), 99) >= coalesce("
        f"nir_level_rank(coalesce(json_extract(g.details, '$.{skill}'), "
        "json_extract(g.details, '$.level'))), 0)"
    )


# The window starts at the permit: no later arrival (§ 26 second paragraph), and not
# collective protection under the ordinary rules (from settlement, § 9 e).
FROM_PERMIT = (
    "((arrival_date IS NULL OR arrival_date <= permit_date) "
    "AND NOT (regime = 'integreringsloven' AND residence_basis = 'collective_protection'))"
)
# The right and duty to training end at the 67th birthday (§ 26).
AGE_67_MONTHS = RIGHT_ENDS_AT_MONTHS
UNDER_67 = f"nir_add_months({{birth}}, {AGE_67_MONTHS}) > :as_of"


NO_CLAIM_OR_OFFER = Rule(
    id="no-claim-or-offer",
    scheme="training",
    regimes="all",
    english=N_(
        "In the target group but no claim or offer three months after population "
        "registration or settlement"
    ),
    law=N_(
        "integreringsloven § 30: training starts at the latest 3 months after population "
        "registration in the municipality (IMDi, «Tidlig oppstart av opplæringen»); "
        "introduksjonsloven §§ 17–18: for permits from 2016 the same, before them from "
        "settlement; chapter 6A: the right begins at settlement"
    ),
    sql=f"""
    SELECT f.person_id, f.scheme, f.since, nir_add_months(f.since, 3) AS deadline, f.detail
    FROM (
        SELECT t.id AS person_id, 'training' AS scheme,
               CASE WHEN t.regime = 'integreringsloven_6a'
                         OR (t.regime = 'introduksjonsloven'
                             AND t.permit_date < '{OFFER_FROM_POPULATION_REGISTRATION}')
                    THEN t.settlement_date
                    ELSE coalesce(t.population_registration_date, t.settlement_date)
               END AS since,
               :detail_no_claim_or_offer AS detail
        FROM {{candidates}} k CROSS JOIN target_group t ON t.id = k.person_id
        WHERE t.residence_basis != 'asylum_seeker'
          AND {UNDER_67.format(birth="t.birth_date")}
          AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.id
                          AND r.kind IN ('claim', 'offer') AND r.{LIVE})
          AND NOT {exempted_from_training("t.id")}
    ) f
    WHERE f.since < :cut_3m
    """,
    candidates="SELECT person_id FROM rule_facts INDEXED BY rule_facts_no_claim_or_offer "
    "WHERE scheme = '' AND claims + offers = 0",
    texts=lambda: {"detail_no_claim_or_offer": _("no claim or offer")},
)


OFFER_LATE = Rule(
    id="offer-late",
    scheme="training",
    regimes="all",
    english=N_("Claim for training without an offer within three months"),
    law=N_(
        "integreringsloven § 30 and introduksjonsloven §§ 17–18: training starts at the "
        "latest 3 months after the claim, or for permits from 2016 after population "
        "registration in the municipality (IMDi, «Tidlig oppstart av opplæringen»); none is owed "
        "after an exemption (§ 29)"
    ),
    sql=f"""
    SELECT * FROM (
        SELECT c.person_id, 'training' AS scheme, c.fact_date AS since,
               nir_add_months(CASE WHEN p.permit_date >= '{OFFER_FROM_POPULATION_REGISTRATION}'
                                    AND p.population_registration_date IS NOT NULL
                                   THEN p.population_registration_date
                                   ELSE c.fact_date END, 3) AS deadline,
               {detail(":detail_offer_late", claim="substr(c.id, -8)")} AS detail
        FROM {{candidates}} k CROSS JOIN registrations c ON c.person_id = k.person_id
        JOIN persons p ON p.id = c.person_id
        WHERE c.kind = 'claim' AND c.scheme = 'training' AND c.{LIVE}
          AND NOT EXISTS (SELECT 1 FROM registrations o WHERE o.person_id = c.person_id
                          AND o.kind = 'offer' AND o.scheme = 'training' AND o.{LIVE})
          AND NOT {exempted_from_training("c.person_id")}
          AND {UNDER_67.format(birth="p.birth_date")}
    ) WHERE deadline < :as_of
    """,
    candidates="SELECT person_id FROM rule_facts INDEXED BY rule_facts_offer_late "
    "WHERE scheme = 'training' AND claims > 0 AND offers = 0",
    texts=lambda: {"detail_offer_late": _("claim {claim} has no offer")},
)


NO_HOURS_FOR_MONTH = Rule(
    id="no-hours-for-month",
    scheme="training",
    regimes="all",
    english=N_("Started training but no hours registered for a month past its deadline"),
    law=N_(
        "integreringsforskriften § 53 (hours of Norwegian and social studies are "
        "registered), within two months (IMDi: «innen to måneder etter at de foreligger»); "
        "months a leave covers whole are excused, a stop or an exemption ends the months"
    ),
    sql=monthly_gaps("hours", "('training', 'asylum')", "detail_no_hours"),
    candidates=monthly_candidates("('training', 'asylum')", "hours", "hours_through"),
    # :detail_no_hours_one when one month is expected, else :detail_no_hours.
    texts=lambda: {
        f"detail_no_hours{suffix}": ngettext(
            "{missing} of {expected} month since {month} has no hours",
            "{missing} of {expected} months since {month} have no hours",
            n,
        )
        for suffix, n in (("_one", 1), ("", 2))
    },
)


GOAL_OR_EDUCATION_MISSING = Rule(
    id="goal-or-education-missing",
    scheme="training",
    regimes="integreringsloven",
    english=N_("Integreringsloven participant without a Norwegian goal or education background"),
    law=N_(
        "integreringsforskriften § 53: NIR holds the norskmål and the education background "
        "(which sets the 18-month or 3-year period, integreringsloven § 32), within two months "
        "of the first decision or start; not for chapter 6A, not after an exemption (§ 29)"
    ),
    sql=f"""
    SELECT f.person_id, f.scheme, f.since, f.deadline,
           CASE WHEN f.goal THEN :detail_no_education
                WHEN f.education THEN :detail_no_goal
                ELSE :detail_no_goal_or_education END AS detail
    FROM (
        SELECT s.person_id, 'training' AS scheme, s.since,
               nir_add_months(s.since, 2) AS deadline,
               EXISTS (SELECT 1 FROM registrations g
                       WHERE g.person_id = s.person_id AND g.kind = 'goal'
                         AND g.scheme = 'training' AND g.{LIVE}) AS goal,
               EXISTS (SELECT 1 FROM registrations u
                       WHERE u.person_id = s.person_id
                         AND u.kind = 'education' AND u.{LIVE}) AS education
        FROM (
            SELECT person_id, min(fact_date) AS since FROM (
                SELECT r.person_id, r.fact_date
                FROM {{candidates}} k CROSS JOIN registrations r ON r.person_id = k.person_id
                WHERE r.scheme = 'training' AND r.{LIVE}
                  AND (r.kind = 'start' OR (r.kind = 'decision'
                       AND json_extract(r.details, '$.outcome') = 'granted'))
            ) GROUP BY person_id HAVING min(fact_date) < :cut_2m
        ) s
    ) f
    WHERE NOT (f.goal AND f.education)
      AND EXISTS (SELECT 1 FROM persons p WHERE p.id = f.person_id
                  AND p.regime = 'integreringsloven')
      AND NOT {exempted_from_training("f.person_id")}
    """,
    candidates="""
    SELECT person_id FROM rule_facts INDEXED BY rule_facts_no_goal
    WHERE scheme = 'training' AND starts + granted > 0 AND goals = 0
    UNION
    SELECT e.person_id FROM rule_facts e INDEXED BY rule_facts_no_education
    JOIN rule_facts t ON t.scheme = 'training' AND t.person_id = e.person_id
    WHERE e.scheme = '' AND e.educations = 0 AND t.starts + t.granted > 0""",
    texts=lambda: {
        "detail_no_goal": _("no Norwegian goal (norskmål)"),
        "detail_no_education": _("no education background"),
        "detail_no_goal_or_education": _(
            "no Norwegian goal (norskmål) and no education background"
        ),
    },
)


WINDOW_ENDING = Rule(
    id="window-ending",
    scheme="training",
    regimes="all",
    english=N_("The training window ends within 90 days and the goal is not reached"),
    law=N_(
        "integreringsloven § 32 (integreringsforskriften § 29: «innenfor fristen på tre år "
        "eller 18 måneder, jf. integreringsloven § 32»), from the permit or a later arrival, for "
        "collective protection from settlement (§ 26), ending at 67 at the latest; leave "
        "extends it (secondary sources); chapter 6A: 12 months from the first start, «utvides "
        "med permisjoner» (IMDi, Endringer i NIR ... Ukraina). A warning before the window "
        "ends; none after an exemption (§ 29)"
    ),
    sql=f"""
    WITH windows AS MATERIALIZED (
        -- Each regime's own window, found by its start (indexes persons_permit_date and
        -- rule_facts' primary key) where it starts at the permit; the others wherever
        -- their window lies: a training leave moves its end, a later arrival or a
        -- settlement (collective protection) its start, the 67th birthday its end.
        SELECT id AS person_id, permit_date AS since, {WINDOW_MONTHS} AS months FROM persons
        WHERE {in_window("permit_date", WINDOW_MONTHS)} AND {FROM_PERMIT}
          AND regime != 'integreringsloven_6a'
          AND NOT (regime = 'integreringsloven' AND {UPPER_SECONDARY})
        UNION
        SELECT id, permit_date, {WINDOW_MONTHS_UPPER_SECONDARY} FROM persons
        WHERE {in_window("permit_date", WINDOW_MONTHS_UPPER_SECONDARY)} AND {FROM_PERMIT}
          AND regime = 'integreringsloven' AND {UPPER_SECONDARY}
        UNION
        SELECT f.person_id, f.first_start, {WINDOW_MONTHS_6A} FROM rule_facts f
        JOIN persons p ON p.id = f.person_id AND p.regime = 'integreringsloven_6a'
        WHERE f.scheme = 'training' AND {in_window("f.first_start", WINDOW_MONTHS_6A)}
        UNION
        SELECT id,
               CASE WHEN regime = 'integreringsloven_6a'
                    THEN (SELECT f.first_start FROM rule_facts f
                          WHERE f.scheme = 'training' AND f.person_id = persons.id)
                    WHEN regime = 'integreringsloven'
                         AND residence_basis = 'collective_protection'
                    THEN settlement_date
                    ELSE max(permit_date, coalesce(arrival_date, permit_date)) END,
               CASE WHEN regime = 'integreringsloven_6a' THEN {WINDOW_MONTHS_6A}
                    WHEN regime = 'integreringsloven' AND {UPPER_SECONDARY}
                    THEN {WINDOW_MONTHS_UPPER_SECONDARY}
                    ELSE {WINDOW_MONTHS} END
        FROM persons
        WHERE id IN (
            -- each through an index of its own (migration 0011)
            SELECT l.person_id FROM registrations l
            WHERE l.kind = 'leave' AND l.scheme = 'training' AND l.{LIVE}
            UNION ALL
            SELECT id FROM persons INDEXED BY persons_later_arrival
            WHERE arrival_date > permit_date
              AND ({in_window("arrival_date", WINDOW_MONTHS)}
                   OR {in_window("arrival_date", WINDOW_MONTHS_UPPER_SECONDARY)})
            UNION ALL
            SELECT id FROM persons INDEXED BY persons_collective_protection
            WHERE residence_basis = 'collective_protection' AND regime = 'integreringsloven'
              AND ({in_window("settlement_date", WINDOW_MONTHS)}
                   OR {in_window("settlement_date", WINDOW_MONTHS_UPPER_SECONDARY)})
            UNION ALL
            SELECT id FROM persons INDEXED BY persons_birth_date
            WHERE {in_window("birth_date", AGE_67_MONTHS)})
    ),
    ending AS MATERIALIZED (
        -- The right and duty end at the 67th birthday (§ 26).
        SELECT w.person_id, w.since,
               min(date(nir_add_months(w.since, w.months), '+' || (
                   SELECT coalesce(sum(julianday(json_extract(l.details, '$.until'))
                                       - julianday(l.fact_date) + 1), 0)
                   FROM registrations l
                   WHERE l.person_id = w.person_id AND l.kind = 'leave'
                     AND l.scheme = 'training' AND l.{LIVE}) || ' days'),
                   nir_add_months(t.birth_date, {AGE_67_MONTHS})) AS deadline
        FROM windows w CROSS JOIN target_group t ON t.id = w.person_id
        WHERE w.since IS NOT NULL AND t.residence_basis != 'asylum_seeker'
    )
    SELECT w.person_id, 'training' AS scheme, w.since, w.deadline,
           :detail_window_ending AS detail
    FROM ending w
    WHERE w.deadline >= :as_of AND w.deadline <= date(:as_of, '+{WINDOW_WARNING_DAYS} days')
      AND NOT EXISTS (SELECT 1 FROM registrations e INDEXED BY registrations_end_reason
                      WHERE e.person_id = w.person_id
                      AND e.kind = 'end' AND e.scheme = 'training' AND e.{LIVE}
                      AND json_extract(e.details, '$.reason')
                          IN ('completed', 'goal_reached'))
      AND NOT {exempted_from_training("w.person_id")}
      AND NOT EXISTS (
          SELECT 1 FROM registrations r
          JOIN registrations g ON g.person_id = r.person_id AND g.kind = 'goal'
               AND g.scheme = 'training' AND g.{LIVE}
          WHERE r.person_id = w.person_id AND r.kind = 'test-result' AND r.{LIVE}
            AND json_extract(r.details, '$.test') = 'norskprove'
            AND {skill_reached("reading")} AND {skill_reached("listening")}
            AND {skill_reached("writing")} AND {skill_reached("oral")})
    """,
    texts=lambda: {"detail_window_ending": _("training window ends; goal not reached")},
)
