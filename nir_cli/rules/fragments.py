"""Pieces of SQL the rules of nir_cli.rules.catalogue are built from."""

from __future__ import annotations

LIVE = "withdrawn = 0"
SCHEMES = ("programme", "training", "asylum")
# Labour immigrants and their families (integreringsloven § 28: a duty without a right).
LABOUR_SQL = "'labour_non_eea', 'family_of_labour_non_eea'"


def own(alias: str) -> str:
    """Registration `alias` is its person's municipality's own: not one handed over read-only
    from a municipality the person lived in before (nir_cli.sync.pull), which this one cannot
    correct. Rules about one registration look at these only."""
    return (
        f"{alias}.municipality = (SELECT q.municipality FROM persons q "
        f"WHERE q.id = {alias}.person_id)"
    )


def detail(text: str, **values: str) -> str:
    """A finding's detail, made in SQL: `text` (a parameter, `:detail_...`, holding the
    sentence in the language in use, or an expression choosing one) with each `{name}` in it
    replaced by the SQL expression `values[name]`. Translated once, filled in per row: a rule
    may find thousands of persons, and per-row Python is what it would cost."""
    for name, value in values.items():
        text = f"replace({text}, '{{{name}}}', coalesce({value}, ''))"
    return text


def kind_name(column: str, kinds: tuple[str, ...]) -> str:
    """The registration kind in `column` as a person reads it in the language in use: the
    parameters :kind_<code> (hyphens as underscores) of `kinds`; see `kind_words`."""
    names = " ".join(f"WHEN '{code}' THEN :kind_{code.replace('-', '_')}" for code in kinds)
    return f"CASE {column} {names} ELSE {column} END"


def kind_words(kinds: tuple[str, ...]) -> dict[str, str]:
    """The parameters `kind_name` reads: each kind's name in the language in use."""
    from nir_cli.domain.enums import Kind

    return {f"kind_{code.replace('-', '_')}": Kind(code).shown() for code in kinds}


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


# A finding's `fires_until` when nothing but a change of the facts ends it.
FOREVER = "'9999-12-31'"


def day_after(day: str) -> str:
    """The first day after `day`: a finding whose deadline is `day` fires from it."""
    return f"date({day}, '+1 day')"


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


def exempted_on(person: str) -> str:
    """The first day the person holds a live exemption that ends the duty to training, else
    FOREVER: the municipality owes them no offer, hours or progress from then on, so a
    training rule's finding stops firing on that day."""
    return f"""coalesce((SELECT min(x.fact_date) FROM registrations x
                      WHERE x.person_id = {person} AND x.{LIVE} AND {ends_training("x")}),
                     {FOREVER})"""


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


_NEXT = "strftime('%Y-%m', w.month || '-01', '+1 month')"


def monthly_gaps(kind: str, schemes: str) -> str:
    """Per started scheme of the given persons, one row: the months from the start month to
    the month the scheme ended, was stopped, or, for training, was exempted from (`cap`,
    '9999-12' while it runs), against the live `kind` registrations counted through their
    natural key `person|kind|scheme|YYYY-MM`. Months a leave (permisjon) of the scheme covers
    whole are excused: nothing is expected of them, and what was registered in them is not
    counted. A stop (stans) pauses: a later start opens a new run of months.

    The run's first month with neither a registration nor a leave (walked to from the start
    month, one month at a time while each is covered) is the first gap: its deadline is the
    last day of the month two after it, so the run is a finding from the first day of the month
    three after it. The months excused and registered are kept with the row (JSON), so that a
    reader counts those up to the last month past its deadline on their date (see
    `months_expected` and `months_counted`)."""
    covered = f"""(EXISTS (SELECT 1 FROM excused e WHERE e.person_id = {{run}}.person_id
                          AND e.scheme = {{run}}.scheme AND e.month = {{month}})
                OR EXISTS (SELECT 1 FROM registrations g
                           WHERE g.natural_key = {{run}}.person_id || '|{kind}|'
                                                 || {{run}}.scheme || '|' || {{month}}
                             AND g.{LIVE}))"""
    key = f"x.person_id || '|{kind}|' || x.scheme || '|'"
    return f"""
        WITH RECURSIVE started AS MATERIALIZED (
            SELECT s.id AS start_id, s.person_id, s.scheme,
                   substr(s.fact_date, 1, 7) AS first_month,
                   coalesce((SELECT substr(min(e.fact_date), 1, 7) FROM registrations e
                             WHERE e.person_id = s.person_id AND e.{LIVE}
                               AND e.fact_date >= s.fact_date
                               AND ((e.kind IN ('end', 'stop') AND e.scheme = s.scheme)
                                    OR (s.scheme = 'training' AND {ends_training("e")}))),
                            '9999-12') AS cap
            FROM {{persons}} k CROSS JOIN registrations s ON s.person_id = k.person_id
            -- a reopening of the programme (gjenåpning) opens a new run, as a start does
            WHERE s.kind IN ('start', 'reopening') AND s.scheme IN {schemes} AND s.{LIVE}
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
        excused AS MATERIALIZED (SELECT DISTINCT person_id, scheme, month FROM leave_months),
        walk (start_id, person_id, scheme, cap, month, covered) AS (
            SELECT start_id, person_id, scheme, cap, first_month,
                   {covered.format(run="started", month="first_month")}
            FROM started
            UNION ALL
            SELECT w.start_id, w.person_id, w.scheme, w.cap, {_NEXT},
                   {covered.format(run="w", month=_NEXT)}
            FROM walk w
            WHERE w.covered AND w.month < w.cap
        ),
        gap AS MATERIALIZED (SELECT start_id, month FROM walk WHERE NOT covered)
        SELECT x.person_id, x.scheme, x.first_month || '-01' AS since,
               nir_add_months(date(x.first_month || '-01', '+1 month', '-1 day'), 2)
                 AS deadline,
               date(gap.month || '-01', '+3 months') AS fires_from, {FOREVER} AS fires_until,
               x.first_month AS ref, x.cap,
               (SELECT json_group_array(month) FROM (
                    SELECT e.month FROM excused e
                    WHERE e.person_id = x.person_id AND e.scheme = x.scheme
                      AND e.month BETWEEN x.first_month AND x.cap ORDER BY e.month)) AS excused,
               (SELECT json_group_array(month) FROM (
                    SELECT substr(g.natural_key, -7) AS month FROM registrations g
                    WHERE g.{LIVE} AND g.natural_key BETWEEN {key} || x.first_month
                                                         AND {key} || x.cap
                      AND substr(g.natural_key, -7) NOT IN (
                          SELECT e.month FROM excused e
                          WHERE e.person_id = x.person_id AND e.scheme = x.scheme)
                    ORDER BY 1)) AS registered
        FROM started x JOIN gap ON gap.start_id = x.start_id
        """


# The months of a monthly finding `f` (see monthly_gaps) up to the last month past its
# deadline on the reader's date (:last_month), or the run's last month if it ended before.
_MONTHS_TO = "min(:last_month, f.cap)"
MONTHS_EXPECTED = (
    f"({months_between('f.ref', _MONTHS_TO)} - (SELECT count(*) FROM json_each(f.excused) "
    f"WHERE value <= {_MONTHS_TO}))"
)
MONTHS_COUNTED = f"(SELECT count(*) FROM json_each(f.registered) WHERE value <= {_MONTHS_TO})"


def monthly_detail(text: str) -> str:
    """A monthly finding's detail: the parameter `:{text}` (`:{text}_one` when one month is
    expected), with {missing}, {expected} and {month} filled in as of the reader's date."""
    return detail(
        f"CASE WHEN {MONTHS_EXPECTED} = 1 THEN :{text}_one ELSE :{text} END",
        missing=f"{MONTHS_EXPECTED} - {MONTHS_COUNTED}",
        expected=MONTHS_EXPECTED,
        # YYYY-MM, or MM.YYYY where the reader is Norwegian (:months_dotted, see parameters)
        month="CASE WHEN :months_dotted THEN substr(f.ref, 6, 2) || '.' || "
        "substr(f.ref, 1, 4) ELSE f.ref END",
    )


# Whether the person `{person}` has upper secondary education: 18 months instead of 36.
UPPER_SECONDARY = f"""EXISTS (SELECT 1 FROM registrations u WHERE u.person_id = {{person}}
                 AND u.kind = 'education' AND u.{LIVE}
                 AND json_extract(u.details, '$.upper_secondary') = 1)"""


def first_start(scheme: str, person: str) -> str:
    """The first live start of `scheme` of the person `person` (NULL for none)."""
    return f"""(SELECT min(s.fact_date) FROM registrations s WHERE s.person_id = {person}
                AND s.kind = 'start' AND s.scheme = '{scheme}' AND s.{LIVE})"""


def leave_days(person: str) -> str:
    """The days of the person's live training leave (each leave from its date to its `until`,
    both counted): what extends a training window (docs/rules.md)."""
    return f"""(SELECT coalesce(sum(julianday(json_extract(l.details, '$.until'))
                                   - julianday(l.fact_date) + 1), 0)
               FROM registrations l
               WHERE l.person_id = {person} AND l.kind = 'leave'
                 AND l.scheme = 'training' AND l.{LIVE})"""
