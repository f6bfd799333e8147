"""`nir report overview`: the picture a unit leader reads, in one answer. Each part is a report
of its own (nir_cli.rules.reports) or the kept findings counted (`nir missing`), so the
overview's numbers are the same as theirs; `--format json` gives this dict, and the HTML page
(nir_cli.report_page) draws it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nir_cli.rules import reports
from nir_cli.rules.findings import IN_FORCE, PERSON_FILTER, make_current, missing
from nir_cli.store import Store

Rows = list[dict[str, Any]]

# The parts, in the order the page shows them.
PARTS = (
    "findings_by_rule",
    "findings_by_place",
    "timeliness_by_month",
    "target_groups",
    "test_results",
    "grant_base",
    "programme",
    "activity_after",
)


def findings_by_rule(store: Store, params: dict[str, Any]) -> Rows:
    """`nir missing` counted: findings and persons per rule, as of :as_of."""
    from nir_cli.rules.catalogue import BY_ID

    make_current(store)
    rows = store.query(
        "SELECT f.rule, count(*) AS findings, count(DISTINCT f.person_id) AS persons "
        f"FROM findings f JOIN persons p ON p.id = f.person_id WHERE {IN_FORCE} "
        f"AND {PERSON_FILTER} GROUP BY f.rule ORDER BY findings DESC, f.rule",
        params,
    )
    for row in rows:
        rule = BY_ID.get(row["rule"])
        row["title"] = _said(rule.english) if rule else row["rule"]
    return [{"rule": r["rule"], "title": r["title"], **_counts(r)} for r in rows]


def findings_by_place(store: Store, params: dict[str, Any]) -> Rows:
    """`nir missing` counted by place (the persons' place; blank: none registered)."""
    make_current(store)
    return store.query(
        "SELECT coalesce(p.place, '') AS place, count(*) AS findings, "
        "count(DISTINCT f.person_id) AS persons "
        f"FROM findings f JOIN persons p ON p.id = f.person_id WHERE {IN_FORCE} "
        f"AND {PERSON_FILTER} GROUP BY 1 ORDER BY findings DESC, 1",
        params,
    )


def timeliness_by_month(store: Store, params: dict[str, Any]) -> Rows:
    """`nir report timeliness` summed over the kinds: per month of the fact, the registrations
    due, those the registry accepted within two months, and that share in per cent."""
    months: dict[str, dict[str, Any]] = {}
    for row in reports.timeliness(store, params):
        month = months.setdefault(row["month"], {"month": row["month"], "due": 0, "on_time": 0})
        month["due"] += row["due"]
        month["on_time"] += row["on_time"]
    for month in months.values():
        month["share_on_time_pct"] = reports.percent(month["on_time"], month["due"])
    return sorted(months.values(), key=lambda m: str(m["month"]))


def report_params(
    *,
    year: int | None = None,
    municipality: str | None = None,
    place: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The parameters the reports' and the findings' queries read (`:as_of` and `:today`
    alike: the day the figures are for)."""
    day = (as_of or dt.date.today()).isoformat()
    return {
        "year": str(year) if year else None,
        "municipality": municipality,
        "place": place,
        "as_of": day,
        "today": day,
    }


def overview(
    store: Store,
    *,
    year: int | None = None,
    municipality: str | None = None,
    place: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Rows]:
    """Every part of the overview, each a list of rows (see PARTS)."""
    params = report_params(year=year, municipality=municipality, place=place, as_of=as_of)
    results = reports.results(store, params)
    return {
        "findings_by_rule": findings_by_rule(store, params),
        "findings_by_place": findings_by_place(store, params),
        "timeliness_by_month": timeliness_by_month(store, params),
        "target_groups": reports.target_groups(store, params),
        "test_results": [r for r in results if r["test"] != "programme"],
        "grant_base": reports.grant_base(store, params),
        "programme": reports.programme(store, params),
        "activity_after": [
            {"activity_after": r["result"], "persons": r["persons"]}
            for r in results
            if r["test"] == "programme"
        ],
    }


def names(store: Store, *, municipality: str | None, place: str | None, as_of: dt.date) -> Rows:
    """The appendix `--with-names` asks for: who each finding is about, by name and DUF
    number (never a personal number: a person without a DUF number is shown by name only)."""
    return [
        {
            "name": f.person,
            "duf": f.duf if f.duf and "*" not in f.duf else "",
            "rule": f.rule,
            "deadline": f.deadline,
        }
        for f in missing(store, as_of, municipality=municipality, place=place)
    ]


def _counts(row: dict[str, Any]) -> dict[str, Any]:
    return {"findings": row["findings"], "persons": row["persons"]}


def _said(english: str) -> str:
    from nir_cli.core.i18n import _

    return _(english)
