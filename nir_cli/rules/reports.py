"""`nir report`: results, target groups, grant base and timeliness (BRIEF 1.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from nir_cli.core.i18n import NP_
from nir_cli.domain import law
from nir_cli.domain.law import DUTY_55_67_FROM
from nir_cli.rules.fragments import LABOUR_SQL, first_start
from nir_cli.store import Store

Rows = list[dict[str, Any]]
PROTECTED = (
    "'refugee', 'resettlement_refugee', 'humanitarian', 'collective_protection', "
    "'family_of_refugee', 'family_of_norwegian_or_nordic'"
)
LABOUR = LABOUR_SQL
# The words the reports put in their rows beside the domain's codes, for the catalog: a table
# shows them in the language in use (nir_cli.core.headings); JSON and CSV keep them as they are.
# `result` holds a test's outcome ("failed" means not passed, not a sync run's failure).
RESULTS = (
    NP_("result", "passed"),
    NP_("result", "failed"),
    NP_("result", "not_registered"),
)
SUBTESTS = (NP_("value", "activity_after"),)


def _where(table: str, year_column: str | None) -> str:
    clauses = [
        f"(:municipality IS NULL OR {table}.municipality = :municipality)",
        f"(:place IS NULL OR {table}.place = :place)",
    ]
    if year_column:
        clauses.append(f"(:year IS NULL OR substr({year_column}, 1, 4) = :year)")
    return " AND ".join(clauses)


def results(store: Store, params: dict[str, Any]) -> Rows:
    """Test results: Norskprøven per sub-test and level; the other tests passed or failed."""
    subtests = " UNION ALL ".join(
        f"SELECT r.person_id, '{name}' AS subtest, json_extract(r.details, '$.{name}') AS level "
        f"FROM registrations r WHERE r.kind = 'test-result' AND r.withdrawn = 0 "
        f"AND json_extract(r.details, '$.test') = 'norskprove' AND {_where('r', 'r.fact_date')}"
        for name in ("reading", "listening", "writing", "oral")
    )
    levels = store.query(
        f"SELECT 'norskprove' AS test, subtest, level AS result, count(*) AS persons "
        f"FROM ({subtests}) WHERE level IS NOT NULL GROUP BY subtest, level "
        f"ORDER BY subtest, nir_level_rank(level)",
        params,
    )
    passed = store.query(
        "SELECT json_extract(r.details, '$.test') AS test, '' AS subtest, "
        "CASE WHEN json_extract(r.details, '$.passed') THEN 'passed' ELSE 'failed' END AS result, "
        "count(*) AS persons FROM registrations r WHERE r.kind = 'test-result' "
        f"AND r.withdrawn = 0 AND json_extract(r.details, '$.test') != 'norskprove' "
        f"AND {_where('r', 'r.fact_date')} GROUP BY 1, 3 ORDER BY 1, 3",
        params,
    )
    # What participants went on to after the introduction programme (integreringsloven § 18 a;
    # NIR's «aktivitet etter»), by the year the programme ended.
    outcomes = store.query(
        "SELECT 'programme' AS test, 'activity_after' AS subtest, "
        "coalesce(json_extract(r.details, '$.activity_after'), 'not_registered') AS result, "
        "count(*) AS persons FROM registrations r WHERE r.kind = 'end' AND r.withdrawn = 0 "
        f"AND r.scheme = 'programme' AND {_where('r', 'r.fact_date')} GROUP BY 3 ORDER BY 3",
        params,
    )
    return levels + passed + outcomes


def programme(store: Store, params: dict[str, Any]) -> Rows:
    """The introduction programme's target group (integreringsloven § 8) by regime: how many
    have a programme claim, offer, decision or start, how many started, and how many started
    within § 12's three months of settlement. --year: the year of settlement."""
    return store.query(
        "SELECT t.regime, count(*) AS in_target_group, "
        "sum(EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.id AND r.withdrawn = 0 "
        "  AND r.scheme = 'programme' AND r.kind IN ('claim', 'offer', 'decision', 'start'))) "
        "  AS with_claim_or_offer, "
        "sum(t.first_start IS NOT NULL) AS started, "
        "sum(t.first_start IS NOT NULL AND t.first_start <= nir_add_months(t.since, 3)) "
        "  AS started_on_time "
        f"FROM (SELECT g.*, {first_start('programme', 'g.id')} AS first_start "
        "      FROM programme_target_group g) t "
        f"WHERE {_where('t', 't.since')} GROUP BY t.regime ORDER BY t.regime",
        params,
    )


def target_groups(store: Store, params: dict[str, Any]) -> Rows:
    """Persons in the target group, by regime, with and without an offer of training. Under
    integreringsloven NIR has no separate offer: a granted training decision (tildeling) or a
    start of training is the offer (IMDi, «Registrering i NIR etter integreringsloven – norsk og
    samfunnskunnskap»); under introduksjonsloven the offer is registered as one."""
    offered = (
        "EXISTS (SELECT 1 FROM registrations o WHERE o.person_id = t.id AND o.withdrawn = 0 "
        "AND (o.kind = 'offer' OR (t.regime != 'introduksjonsloven' AND o.scheme = 'training' "
        "AND (o.kind = 'start' OR (o.kind = 'decision' "
        "AND json_extract(o.details, '$.outcome') = 'granted')))))"
    )
    return store.query(
        f"SELECT t.regime, count(*) AS in_target_group, sum({offered}) AS with_offer, "
        f"sum(NOT {offered}) AS without_offer "
        f"FROM target_group t WHERE {_where('t', 'coalesce(t.settlement_date, t.permit_date)')} "
        "GROUP BY t.regime ORDER BY t.regime",
        params,
    )


# Norsktilskudd's persontilskudd (IMDi, «Tilskot til opplæring i norsk og samfunnskunnskap for
# vaksne innvandrarar»): adults with a right and a duty to training, integreringsloven § 27
# (labour immigrants, who have only a duty under § 28 and pay, trigger none), or under
# introduksjonsloven § 17 with a permit from 1 Jan 2017. Chapter 6A (§ 37 d) and asylum seekers
# in reception have grant schemes of their own. Each row counts persons; chapter 6A's extended
# training counts decisions too, each of which triggers its grant.
GRANT_BASE = f"""
SELECT 'persontilskudd' AS grant_scheme, t.regime, t.residence_basis, count(*) AS persons,
       NULL AS decisions
FROM target_group t
WHERE t.regime IN ('integreringsloven', 'introduksjonsloven')
  AND t.residence_basis NOT IN ({LABOUR}, 'asylum_seeker')
  AND (t.regime = 'integreringsloven' OR t.permit_date >= '{DUTY_55_67_FROM}')
  AND substr(max(t.permit_date, coalesce(t.arrival_date, t.permit_date)), 1, 4) = :grant_year
  AND {_where("t", None)}
GROUP BY 1, 2, 3
UNION ALL
SELECT '6a-persontilskudd', t.regime, t.residence_basis, count(*), NULL
FROM target_group t
WHERE t.regime = 'integreringsloven_6a'
  AND substr({first_start("training", "t.id")}, 1, 4) = :grant_year
  AND {_where("t", None)}
GROUP BY 1, 2, 3
UNION ALL
SELECT '6a-utvidet-opplaering', p.regime, p.residence_basis, count(DISTINCT p.id), count(*)
FROM registrations r JOIN persons p ON p.id = r.person_id
WHERE r.kind = 'extended-training' AND r.withdrawn = 0
  AND substr(r.fact_date, 1, 4) = :grant_year AND {_where("p", None)}
GROUP BY 1, 2, 3
UNION ALL
SELECT 'asylnorsk', p.regime, p.residence_basis, count(*), NULL
FROM persons p
WHERE p.residence_basis = 'asylum_seeker'
  AND substr({first_start("asylum", "p.id")}, 1, 4) = :grant_year
  AND {_where("p", None)}
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
"""


def grant_base(store: Store, params: dict[str, Any]) -> Rows:
    """Persons who trigger a norsktilskudd in --year, by grant scheme, regime and residence
    basis: persontilskudd (rett og plikt; counted in the year the right began: the permit, or
    the arrival when it came later), chapter 6A's (the year training first started), its
    decisions on extended training (each with IMDi's amount where this nir knows the year's
    rate, `amount_nok`), and the asylum seekers' (the year training in reception started).
    Labour immigrants trigger none."""
    year = int(params["year"] or dt.date.today().year)
    rows = store.query(GRANT_BASE, {**params, "grant_year": str(year)})
    rate = grant_rate("extended_training_grant", year)
    for row in rows:
        decisions = row["decisions"]
        row["amount_nok"] = decisions * rate if decisions is not None and rate else None
    return rows


def grant_rate(name: str, year: int) -> int | None:
    """IMDi's amount of a grant in force in `year` (its last day in force that year), where the
    dated facts hold one (nir_cli.domain.law)."""
    for row in law.rows(name):
        first = max(row.start or dt.date(year, 1, 1), dt.date(year, 1, 1))
        if row.holds_on(first) and isinstance(row.value, int):
            return row.value
    return None


def timeliness(store: Store, params: dict[str, Any]) -> Rows:
    """Of the registrations whose deadline has passed (or that were accepted), the share the
    registry accepted within two months, by kind and month of the fact."""
    rows = store.query(
        "SELECT r.kind, substr(r.fact_date, 1, 7) AS month, count(*) AS due, "
        "sum(r.registry_date IS NOT NULL AND substr(r.registry_date, 1, 10) <= r.deadline) "
        "AS on_time FROM registrations r WHERE r.withdrawn = 0 "
        "AND (r.deadline < :today OR r.registry_date IS NOT NULL) "
        f"AND {_where('r', 'r.fact_date')} GROUP BY 1, 2 ORDER BY 2, 1",
        {**params, "today": params.get("today") or dt.date.today().isoformat()},
    )
    for row in rows:
        row["share_on_time_pct"] = percent(row["on_time"], row["due"])
    return rows


def fact_dates(
    store: Store, *, year: int | None, municipality: str | None, place: str | None
) -> dict[str, Any] | None:
    """The first and last fact date of the registrations a report counts (`first`, `last`)."""
    return store.one(
        "SELECT min(fact_date) AS first, max(fact_date) AS last FROM registrations "
        "WHERE withdrawn = 0 AND (:year IS NULL OR substr(fact_date, 1, 4) = :year) "
        "AND (:municipality IS NULL OR municipality = :municipality) "
        "AND (:place IS NULL OR place = :place)",
        {"year": str(year) if year else None, "municipality": municipality, "place": place},
    )


def percent(part: int, whole: int) -> float | None:
    """A share as people read it: per cent, to one decimal (93.3, not 0.933); None of nothing."""
    return round(100 * part / whole, 1) if whole else None


REPORTS: dict[str, Callable[[Store, dict[str, Any]], Rows]] = {
    "results": results,
    "target-groups": target_groups,
    "grant-base": grant_base,
    "programme": programme,
    "timeliness": timeliness,
}


def run(
    store: Store,
    name: str,
    *,
    year: int | None = None,
    municipality: str | None = None,
    place: str | None = None,
) -> Rows:
    params = {"year": str(year) if year else None, "municipality": municipality, "place": place}
    return REPORTS[name](store, params)
