"""The data-consistency rules of `nir missing`, as data: one query each.

Each query takes :as_of (an ISO date) and returns one row per finding with the columns
person_id, scheme, since (when the gap began) and deadline (the date it broke), plus detail.
nir_add_months is the domain's clamped month arithmetic (see nir_cli.store.db). Hours and
absence are counted through their natural key, `person|kind|scheme|YYYY-MM`, which has a
unique index over live registrations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    scheme: str
    regimes: str
    norwegian: str
    english: str
    law: str
    sql: str


LIVE = "withdrawn = 0"


def _monthly_gaps(kind: str, schemes: str, what: str) -> str:
    """Per started scheme: the finished months (start month to the month before :as_of, or to
    the end month) against the live `kind` registrations counted through their natural key
    `person|kind|scheme|YYYY-MM`; one finding per person with months missing."""
    return f"""
        SELECT person_id, scheme, first_month || '-01' AS since,
               nir_add_months(date(first_month || '-01', '+1 month', '-1 day'), 2) AS deadline,
               (expected - counted) || ' of ' || expected || ' finished months since '
                 || first_month || ' have no {what}' AS detail
        FROM (
            SELECT s.person_id, s.scheme, substr(s.fact_date, 1, 7) AS first_month,
                   (CAST(substr(last_month, 1, 4) AS INTEGER) * 12
                      + CAST(substr(last_month, 6, 2) AS INTEGER))
                   - (CAST(substr(s.fact_date, 1, 4) AS INTEGER) * 12
                      + CAST(substr(s.fact_date, 6, 2) AS INTEGER)) + 1 AS expected,
                   (SELECT count(*) FROM registrations g WHERE g.{LIVE}
                      AND g.natural_key BETWEEN s.person_id || '|{kind}|' || s.scheme || '|'
                                                || substr(s.fact_date, 1, 7)
                                            AND s.person_id || '|{kind}|' || s.scheme || '|'
                                                || last_month) AS counted
            FROM (
                SELECT s.*, min(
                    substr(date(:as_of, 'start of month', '-1 day'), 1, 7),
                    coalesce((SELECT substr(min(e.fact_date), 1, 7) FROM registrations e
                              WHERE e.person_id = s.person_id AND e.kind = 'end'
                                AND e.scheme = s.scheme AND e.{LIVE}
                                AND e.fact_date >= s.fact_date), '9999-12')) AS last_month
                FROM registrations s
                WHERE s.kind = 'start' AND s.scheme IN {schemes} AND s.{LIVE}
            ) s
        ) WHERE expected > 0 AND counted < expected
        """


RULES: tuple[Rule, ...] = (
    Rule(
        id="no-claim-or-offer",
        scheme="training",
        regimes="all",
        norwegian="I målgruppen, men verken krav eller tilbud tre måneder etter bosetting",
        english="In the target group but no claim or offer three months after settlement",
        law="introduksjonsloven § 17, integreringsloven § 28: training is offered within 3 months",
        sql=f"""
        SELECT t.id AS person_id, 'training' AS scheme, t.settlement_date AS since,
               nir_add_months(t.settlement_date, 3) AS deadline,
               'no claim or offer since settlement' AS detail
        FROM target_group t
        WHERE t.settlement_date IS NOT NULL
          AND nir_add_months(t.settlement_date, 3) < :as_of
          AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.id
                          AND r.kind IN ('claim', 'offer') AND r.{LIVE})
        """,
    ),
    Rule(
        id="offer-late",
        scheme="training",
        regimes="all",
        norwegian="Krav om opplæring uten tilbud innen tre måneder",
        english="Claim for training without an offer within three months",
        law="training is offered within 3 months of the claim; for permits from 2016, of "
        "population registration in the municipality",
        sql=f"""
        SELECT * FROM (
            SELECT c.person_id, 'training' AS scheme, c.fact_date AS since,
                   nir_add_months(CASE WHEN p.permit_date >= '2016-01-01'
                                        AND p.population_registration_date IS NOT NULL
                                       THEN p.population_registration_date
                                       ELSE c.fact_date END, 3) AS deadline,
                   'claim ' || substr(c.id, -8) || ' has no offer' AS detail
            FROM registrations c JOIN persons p ON p.id = c.person_id
            WHERE c.kind = 'claim' AND c.scheme = 'training' AND c.{LIVE}
              AND NOT EXISTS (SELECT 1 FROM registrations o WHERE o.person_id = c.person_id
                              AND o.kind = 'offer' AND o.scheme = 'training' AND o.{LIVE})
        ) WHERE deadline < :as_of
        """,
    ),
    Rule(
        id="programme-start-late",
        scheme="programme",
        regimes="all",
        norwegian="Introduksjonsprogram ikke startet tre måneder etter bosetting eller krav",
        english="Introduction programme not started three months after settlement or claim",
        law="introduksjonsloven § 3, integreringsloven § 12: the programme starts at the latest "
        "3 months after settlement or claim",
        sql=f"""
        SELECT * FROM (
            SELECT c.person_id, 'programme' AS scheme, c.fact_date AS since,
                   nir_add_months(max(c.fact_date, coalesce(p.settlement_date, c.fact_date)), 3)
                     AS deadline,
                   'programme claim ' || substr(c.id, -8) || ' without a start' AS detail
            FROM registrations c JOIN persons p ON p.id = c.person_id
            WHERE c.kind = 'claim' AND c.scheme = 'programme' AND c.{LIVE}
              AND NOT EXISTS (SELECT 1 FROM registrations s WHERE s.person_id = c.person_id
                              AND s.kind = 'start' AND s.scheme = 'programme' AND s.{LIVE})
              AND NOT EXISTS (SELECT 1 FROM registrations d WHERE d.person_id = c.person_id
                              AND d.kind = 'decision' AND d.scheme = 'programme' AND d.{LIVE}
                              AND json_extract(d.details, '$.outcome') = 'refused')
        ) WHERE deadline < :as_of
        """,
    ),
    Rule(
        id="claim-without-decision",
        scheme="any",
        regimes="all",
        norwegian="Krav uten vedtak etter tre måneder",
        english="Claim without a decision after three months",
        law="forvaltningsloven § 11a and the 3-month deadlines of both acts",
        sql=f"""
        SELECT c.person_id, c.scheme, c.fact_date AS since,
               nir_add_months(c.fact_date, 3) AS deadline,
               c.scheme || ' claim ' || substr(c.id, -8) || ' has no decision' AS detail
        FROM registrations c
        WHERE c.kind = 'claim' AND c.{LIVE} AND nir_add_months(c.fact_date, 3) < :as_of
          AND NOT EXISTS (SELECT 1 FROM registrations d WHERE d.person_id = c.person_id
                          AND d.kind = 'decision' AND d.scheme = c.scheme AND d.{LIVE}
                          AND d.fact_date >= c.fact_date)
        """,
    ),
    Rule(
        id="granted-without-start",
        scheme="any",
        regimes="all",
        norwegian="Innvilget vedtak uten oppstart etter tre måneder",
        english="Decision granted but no start after three months",
        law="the 3-month start and offer deadlines of both acts",
        sql=f"""
        SELECT d.person_id, d.scheme, d.fact_date AS since,
               nir_add_months(d.fact_date, 3) AS deadline,
               'granted ' || d.scheme || ' decision ' || substr(d.id, -8) || ' has no start'
                 AS detail
        FROM registrations d
        WHERE d.kind = 'decision' AND d.{LIVE}
          AND json_extract(d.details, '$.outcome') = 'granted'
          AND nir_add_months(d.fact_date, 3) < :as_of
          AND NOT EXISTS (SELECT 1 FROM registrations s WHERE s.person_id = d.person_id
                          AND s.kind = 'start' AND s.scheme = d.scheme AND s.{LIVE})
        """,
    ),
    Rule(
        id="no-hours-for-month",
        scheme="training",
        regimes="all",
        norwegian="Startet opplæring, men mangler timer for en avsluttet måned",
        english="Started training but no hours registered for a finished month",
        law="NIR's two-month rule: hours per month are registered within two months",
        sql=_monthly_gaps("hours", "('training', 'asylum')", "hours"),
    ),
    Rule(
        id="no-absence-for-month",
        scheme="programme",
        regimes="all",
        norwegian="Deltaker i introduksjonsprogram uten fravær registrert for en avsluttet måned",
        english="Programme participant with no absence registered for a finished month",
        law="NIR's two-month rule; absence is registered per month, also when it is zero",
        sql=_monthly_gaps("absence", "('programme')", "absence registration"),
    ),
    Rule(
        id="end-without-reason",
        scheme="any",
        regimes="all",
        norwegian="Avsluttet uten avslutningsårsak",
        english="Ended without an end reason",
        law="NIR: the end reason (avslutningsårsak) is part of the end registration",
        sql=f"""
        SELECT e.person_id, e.scheme, e.fact_date AS since, e.deadline,
               e.scheme || ' end ' || substr(e.id, -8) || ' has no reason' AS detail
        FROM registrations e
        WHERE e.kind = 'end' AND e.{LIVE} AND json_extract(e.details, '$.reason') IS NULL
        """,
    ),
    Rule(
        id="goal-or-education-missing",
        scheme="training",
        regimes="integreringsloven",
        norwegian="Deltaker etter integreringsloven uten norskmål eller utdanningsbakgrunn",
        english="Integreringsloven participant without a Norwegian goal or education background",
        law="integreringsloven § 29 (norskmål), § 31 (the 18-month window needs the education)",
        sql=f"""
        SELECT * FROM (
            SELECT p.id AS person_id, 'training' AS scheme, min(s.fact_date) AS since,
                   nir_add_months(min(s.fact_date), 2) AS deadline,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM registrations g WHERE g.person_id = p.id
                                         AND g.kind = 'goal' AND g.scheme = 'training' AND g.{LIVE})
                        THEN 'no Norwegian goal (norskmål)' ELSE '' END
                   || CASE WHEN NOT EXISTS (SELECT 1 FROM registrations u WHERE u.person_id = p.id
                                            AND u.kind = 'education' AND u.{LIVE})
                           THEN ' no education background' ELSE '' END AS detail
            FROM persons p JOIN registrations s ON s.person_id = p.id
            WHERE p.regime = 'integreringsloven' AND s.scheme = 'training' AND s.{LIVE}
              AND (s.kind = 'start' OR (s.kind = 'decision'
                                        AND json_extract(s.details, '$.outcome') = 'granted'))
            GROUP BY p.id
        ) WHERE detail != '' AND deadline < :as_of
        """,
    ),
    Rule(
        id="signup-without-result",
        scheme="training",
        regimes="all",
        norwegian="Påmeldt prøve som er avholdt, uten resultat",
        english="Signed up for a test that has been held, but no result",
        law="NIR's two-month rule from the test date",
        sql=f"""
        SELECT t.person_id, 'training' AS scheme, json_extract(t.details, '$.test_date') AS since,
               nir_add_months(json_extract(t.details, '$.test_date'), 2) AS deadline,
               json_extract(t.details, '$.test') || ' on ' || json_extract(t.details, '$.test_date')
                 || ' has no result' AS detail
        FROM registrations t
        WHERE t.kind = 'test-signup' AND t.{LIVE}
          AND nir_add_months(json_extract(t.details, '$.test_date'), 2) < :as_of
          AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.person_id
                          AND r.kind = 'test-result' AND r.{LIVE}
                          AND json_extract(r.details, '$.test') = json_extract(t.details, '$.test')
                          AND r.fact_date >= json_extract(t.details, '$.test_date'))
          AND NOT EXISTS (SELECT 1 FROM registrations x WHERE x.person_id = t.person_id
                          AND x.kind = 'exemption' AND x.{LIVE}
                          AND json_extract(x.details, '$.exemption_from') = 'tests')
        """,
    ),
    Rule(
        id="window-ending",
        scheme="training",
        regimes="all",
        norwegian="Opplæringsperioden går ut innen 90 dager uten at målet er nådd",
        english="The training window ends within 90 days and the goal is not reached",
        law="3 years (introduksjonsloven, integreringsloven), 18 months with upper secondary "
        "education (integreringsloven), 12 months (chapter 6A), counted from the permit",
        sql=f"""
        WITH ending AS MATERIALIZED (
            SELECT * FROM (
                SELECT t.id AS person_id, t.permit_date,
                       nir_add_months(t.permit_date, CASE
                           WHEN t.regime = 'integreringsloven_6a' THEN 12
                           WHEN t.regime = 'integreringsloven' AND EXISTS (
                               SELECT 1 FROM registrations u WHERE u.person_id = t.id
                               AND u.kind = 'education' AND u.{LIVE}
                               AND json_extract(u.details, '$.upper_secondary') = 1) THEN 18
                           ELSE 36 END) AS deadline
                FROM target_group t
                WHERE t.residence_basis != 'asylum_seeker'
                  -- a generous prefilter (12 to 36 months, with slack) before the exact window
                  AND t.permit_date BETWEEN date(:as_of, '-37 months') AND date(:as_of, '-8 months')
            ) WHERE deadline >= :as_of AND deadline <= date(:as_of, '+90 days')
        )
        SELECT w.person_id, 'training' AS scheme, w.permit_date AS since, w.deadline,
               'training window ends; goal not reached' AS detail
        FROM ending w
        WHERE NOT EXISTS (SELECT 1 FROM registrations e WHERE e.person_id = w.person_id
                          AND e.kind = 'end' AND e.scheme = 'training' AND e.{LIVE}
                          AND json_extract(e.details, '$.reason')
                              IN ('completed', 'goal_reached'))
          AND NOT EXISTS (
              SELECT 1 FROM registrations r
              JOIN registrations g ON g.person_id = r.person_id AND g.kind = 'goal'
                   AND g.scheme = 'training' AND g.{LIVE}
              WHERE r.person_id = w.person_id AND r.kind = 'test-result' AND r.{LIVE}
                AND json_extract(r.details, '$.test') = 'norskprove'
                AND min(coalesce(nir_level_rank(json_extract(r.details, '$.reading')), 99),
                        coalesce(nir_level_rank(json_extract(r.details, '$.listening')), 99),
                        coalesce(nir_level_rank(json_extract(r.details, '$.writing')), 99),
                        coalesce(nir_level_rank(json_extract(r.details, '$.oral')), 99))
                    >= nir_level_rank(json_extract(g.details, '$.level')))
        """,
    ),
)

BY_ID = {rule.id: rule for rule in RULES}
