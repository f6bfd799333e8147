"""Pieces of SQL the rules of nir_cli.rules.catalogue are built from."""

from __future__ import annotations

LIVE = "withdrawn = 0"
SCHEMES = ("programme", "training", "asylum")


def detail(text: str, **values: str) -> str:
    """A finding's detail, made in SQL: `text` (a parameter, `:detail_...`, holding the
    sentence in the language in use, or an expression choosing one) with each `{name}` in it
    replaced by the SQL expression `values[name]`. Translated once, filled in per row: a rule
    may find thousands of persons, and per-row Python is what it would cost."""
    for name, value in values.items():
        text = f"replace({text}, '{{{name}}}', coalesce({value}, ''))"
    return text


def scheme_name(column: str) -> str:
    """The scheme in `column` as a person reads it in the language in use (the code under
    English): the parameters :scheme_programme, :scheme_training and :scheme_asylum."""
    names = " ".join(f"WHEN '{code}' THEN :scheme_{code}" for code in SCHEMES)
    return f"CASE {column} {names} ELSE {column} END"


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


def ends_training(alias: str) -> str:
    """Registration `alias` is an exemption (fritak) that ends the duty to training: from
    training, on any basis but documented social studies, which frees only from that part
    (integreringsloven § 29: «kan dokumentere et minimum av kunnskaper i norsk ... fritas fra
    plikten til å delta i opplæring i norsk»)."""
    return (
        f"({alias}.kind = 'exemption' "
        f"AND json_extract({alias}.details, '$.exemption_from') = 'training' "
        f"AND json_extract({alias}.details, '$.basis') IS NOT 'sufficient_social_studies')"
    )


def exempted_from_training(person: str) -> str:
    """The person holds a live exemption that ends the duty to training, dated on or before
    :as_of: the municipality owes them no offer, hours or progress from then on."""
    return f"""EXISTS (SELECT 1 FROM registrations x WHERE x.person_id = {person}
                  AND x.{LIVE} AND x.fact_date <= :as_of AND {ends_training("x")})"""


# The first month a leave covers whole, and the last (a leave from the 1st, or to the month's
# last day, covers its first or last month whole).
_FIRST_WHOLE = (
    "CASE WHEN substr(l.fact_date, 9, 2) = '01' THEN substr(l.fact_date, 1, 7) "
    "ELSE strftime('%Y-%m', l.fact_date, 'start of month', '+1 month') END"
)
_UNTIL = "json_extract(l.details, '$.until')"
_LAST_WHOLE = (
    f"CASE WHEN strftime('%d', {_UNTIL}, '+1 day') = '01' THEN substr({_UNTIL}, 1, 7) "
    f"ELSE strftime('%Y-%m', {_UNTIL}, 'start of month', '-1 month') END"
)


def monthly_gaps(kind: str, schemes: str, text: str) -> str:
    """Per started scheme: the months whose registration deadline has passed (start month to
    :last_month, the last such month, or to the month the scheme ended, was stopped, or, for
    training, was exempted from) against the live `kind` registrations counted through their
    natural key `person|kind|scheme|YYYY-MM`; one finding per person with months missing.
    Months a leave (permisjon) of the scheme covers whole are excused: nothing is expected of
    them, and what was registered in them is not counted. A stop (stans) pauses: a later start
    opens a new run of months. The starts are materialised first: each start's last month is
    looked up once, not once a use. The detail is the parameter `:{text}` (`:{text}_one` when
    one month is expected), with {missing}, {expected} and {month} filled in."""
    sentence = detail(
        f"CASE WHEN expected = 1 THEN :{text}_one ELSE :{text} END",
        missing="expected - counted",
        expected="expected",
        # YYYY-MM, or MM.YYYY where the reader is Norwegian (:months_dotted, see parameters)
        month="CASE WHEN :months_dotted THEN substr(first_month, 6, 2) || '.' || "
        "substr(first_month, 1, 4) ELSE first_month END",
    )
    return f"""
        WITH RECURSIVE started AS MATERIALIZED (
            SELECT s.person_id, s.scheme, substr(s.fact_date, 1, 7) AS first_month, min(
                :last_month,
                coalesce((SELECT substr(min(e.fact_date), 1, 7) FROM registrations e
                          WHERE e.person_id = s.person_id AND e.{LIVE}
                            AND e.fact_date >= s.fact_date
                            AND ((e.kind IN ('end', 'stop') AND e.scheme = s.scheme)
                                 OR (s.scheme = 'training' AND {ends_training("e")}))),
                         '9999-12')) AS last_month
            FROM {{candidates}} k CROSS JOIN registrations s ON s.person_id = k.person_id
            WHERE s.kind = 'start' AND s.scheme IN {schemes} AND s.{LIVE}
        ),
        leave_months (person_id, scheme, month, last) AS (
            SELECT l.person_id, l.scheme, {_FIRST_WHOLE}, {_LAST_WHOLE}
            FROM registrations l
            WHERE l.kind = 'leave' AND l.scheme IN {schemes} AND l.{LIVE}
              AND l.person_id IN (SELECT person_id FROM started)
              AND {_FIRST_WHOLE} <= {_LAST_WHOLE}
            UNION
            SELECT person_id, scheme, strftime('%Y-%m', month || '-01', '+1 month'), last
            FROM leave_months WHERE month < last
        ),
        excused AS MATERIALIZED (SELECT DISTINCT person_id, scheme, month FROM leave_months)
        SELECT person_id, scheme, first_month || '-01' AS since,
               nir_add_months(date(first_month || '-01', '+1 month', '-1 day'), 2) AS deadline,
               {sentence} AS detail
        FROM (
            SELECT x.person_id, x.scheme, x.first_month,
                   x.months - (SELECT count(*) FROM excused e
                               WHERE e.person_id = x.person_id AND e.scheme = x.scheme
                                 AND e.month BETWEEN x.first_month AND x.last_month)
                     AS expected,
                   (SELECT count(*) FROM registrations g WHERE g.{LIVE}
                      AND g.natural_key BETWEEN x.person_id || '|{kind}|' || x.scheme || '|'
                                                || x.first_month
                                            AND x.person_id || '|{kind}|' || x.scheme || '|'
                                                || x.last_month
                      AND substr(g.natural_key, -7) NOT IN (
                          SELECT e.month FROM excused e
                          WHERE e.person_id = x.person_id AND e.scheme = x.scheme))
                     AS counted
            FROM (
                SELECT started.*,
                       {months_between("first_month", "last_month")} AS months
                FROM started
            ) x WHERE x.months > 0
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
