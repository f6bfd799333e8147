"""Pieces of SQL the rules of nir_cli.rules.catalogue are built from."""

from __future__ import annotations

LIVE = "withdrawn = 0"


def months_between(first: str, last: str) -> str:
    """The number of months from YYYY-MM `first` to YYYY-MM `last`, both counted."""
    return (
        f"((CAST(substr({last}, 1, 4) AS INTEGER) * 12 + CAST(substr({last}, 6, 2) AS INTEGER))"
        f" - (CAST(substr({first}, 1, 4) AS INTEGER) * 12"
        f" + CAST(substr({first}, 6, 2) AS INTEGER)) + 1)"
    )


def monthly_candidates(schemes: str, kind: str, through: str) -> str:
    """Persons with a start in `schemes` whose months are not plainly complete: complete means
    the months of the kind run without a gap from the start month (`through`, see migration
    0005) to the last month the rule asks for (the month before :as_of, or the end month).
    Each half reads a partial index of its own."""
    return f"""
        SELECT person_id FROM rule_facts INDEXED BY rule_facts_{kind}_gap
        WHERE scheme IN {schemes} AND starts > 0 AND {through} IS NULL
        UNION
        SELECT person_id FROM rule_facts INDEXED BY rule_facts_{kind}_through
        WHERE scheme IN {schemes} AND starts > 0
          AND {through} < coalesce(substr(first_end, 1, 7), '9999-12')
          AND {through} < :last_month"""


def monthly_gaps(kind: str, schemes: str, what: str) -> str:
    """Per started scheme: the finished months (start month to the month before :as_of, or to
    the end month) against the live `kind` registrations counted through their natural key
    `person|kind|scheme|YYYY-MM`; one finding per person with months missing. The starts
    are materialised first: each start's last month is looked up once, not once a use."""
    return f"""
        WITH started AS MATERIALIZED (
            SELECT s.person_id, s.scheme, substr(s.fact_date, 1, 7) AS first_month, min(
                :last_month,
                coalesce((SELECT substr(min(e.fact_date), 1, 7) FROM registrations e
                          WHERE e.person_id = s.person_id AND e.kind = 'end'
                            AND e.scheme = s.scheme AND e.{LIVE}
                            AND e.fact_date >= s.fact_date), '9999-12')) AS last_month
            FROM {{candidates}} k CROSS JOIN registrations s ON s.person_id = k.person_id
            WHERE s.kind = 'start' AND s.scheme IN {schemes} AND s.{LIVE}
        )
        SELECT person_id, scheme, first_month || '-01' AS since,
               nir_add_months(date(first_month || '-01', '+1 month', '-1 day'), 2) AS deadline,
               (expected - counted) || ' of ' || expected || ' finished months since '
                 || first_month || ' have no {what}' AS detail
        FROM (
            SELECT x.person_id, x.scheme, x.first_month, x.expected,
                   (SELECT count(*) FROM registrations g WHERE g.{LIVE}
                      AND g.natural_key BETWEEN x.person_id || '|{kind}|' || x.scheme || '|'
                                                || x.first_month
                                            AND x.person_id || '|{kind}|' || x.scheme || '|'
                                                || x.last_month) AS counted
            FROM (
                SELECT started.*,
                       {months_between("first_month", "last_month")} AS expected
                FROM started
            ) x WHERE x.expected > 0
        ) WHERE counted < expected
        """


def in_window(column: str, months: int) -> str:
    """The `months`-month window from `column` ends within WINDOW_WARNING_DAYS of :as_of."""
    return f"({column} >= :window_{months}m_from AND {column} < :window_{months}m_to)"


# Whether the person of `persons` has upper secondary education: 18 months instead of 36.
UPPER_SECONDARY = (
    "coalesce((SELECT u.upper_secondary FROM rule_facts u"
    " WHERE u.scheme = '' AND u.person_id = persons.id), 0) > 0"
)
