"""Running the rules, the overdue list and the status counts against the store."""

from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import nullcontext
from typing import Any, NamedTuple

from nir_cli.core.errors import FindingsDiffered, PermissionDenied, UsageError
from nir_cli.core.i18n import NP_, _, norwegian, speaking
from nir_cli.domain.enums import Scheme
from nir_cli.rules.catalogue import BY_ID, RETIRED, RULES, Rule
from nir_cli.rules.fragments import SCHEMES
from nir_cli.rules.kept import Recomputed, is_current, keep_current, recompute
from nir_cli.store import Store

log = logging.getLogger(__name__)

# Who a person is in a listing: the DUF number, else the personal number masked.
IDENTITY = "coalesce(nullif(p.duf, ''), nir_mask(p.fnr))"
PERSON_FILTER = (
    "(:municipality IS NULL OR p.municipality = :municipality) "
    "AND (:place IS NULL OR p.place = :place)"
)
# Overdue.state is "overdue" or "due": a table shows the state in words (nir_cli.core.headings,
# in the context "value", which has "overdue"); JSON and CSV keep the code.
DUE = NP_("value", "due")


class Finding(NamedTuple):
    # A tuple, not a dataclass: a large store has tens of thousands of findings.
    rule: str
    person_id: str
    person: str
    duf: str | None
    scheme: str | None
    since: str | None
    deadline: str | None
    detail: str


def rules(ids: list[str] | None = None) -> list[Rule]:
    if not ids:
        return list(RULES)
    retired = [i for i in ids if i in RETIRED]
    if retired:
        raise UsageError(
            _("--rule: {rule} was retired: {reason}").format(
                rule=retired[0], reason=_(RETIRED[retired[0]])
            ),
            hint=_("see docs/rules.md"),
        )
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise UsageError(
            _("--rule: unknown rule {rules}; see nir missing --list-rules").format(
                rules=", ".join(unknown)
            )
        )
    return [BY_ID[i] for i in ids]


def parameters(as_of: dt.date) -> dict[str, str]:
    """The parameters of the findings' reading: :as_of, :last_month (the last month whose
    hours or absence are past their deadline: month M's are due two months after its last day,
    the last day of M + 2, so M is at most the month three before :as_of's), and the words of
    the findings' details in the language in use (each rule's texts, and the schemes' names)."""
    month = as_of.year * 12 + as_of.month - 1 - 3
    found = {"as_of": as_of.isoformat(), "last_month": f"{month // 12:04d}-{month % 12 + 1:02d}"}
    for code in SCHEMES:
        found[f"scheme_{code}"] = Scheme(code).shown()
    found["months_dotted"] = "1" if norwegian() else ""  # 2025-06 is read as 06.2025 in nb
    for rule in RULES:
        found.update(rule.texts())
    return found


# A kept finding in force on :as_of (see nir_cli.rules.kept).
IN_FORCE = "f.fires_from <= :as_of AND :as_of < f.fires_until"


def missing(
    store: Store,
    as_of: dt.date,
    *,
    municipality: str | None = None,
    place: str | None = None,
    rule_ids: list[str] | None = None,
    language: str | None = None,
    recompute: bool = False,
) -> list[Finding]:
    """Every finding of the chosen rules as of a date, by deadline, read from the kept
    findings (nir_cli.rules.kept). Each finding's detail is a sentence in `language` ("en" or
    "nb"; by default the language in use): a table's is the reader's, while `--format json`
    asks for "en", the same answer in every locale.

    With `recompute`, every finding is first computed afresh and compared with the kept ones:
    FindingsDiffered if they differ (the fresh ones are then kept, and the error holds them)."""
    chosen = rules(rule_ids)
    if recompute:
        checked = _recompute(store)
    else:
        make_current(store)
    with speaking(language) if language else nullcontext():
        words = parameters(as_of)
    params = {**words, "municipality": municipality, "place": place}
    started = time.monotonic()
    # One pass over the kept findings, sorted by SQLite: by deadline, person and rule, then
    # what tells two findings of one rule and person apart. Rows made in SQL, in Finding's
    # order: a store may have a hundred thousand findings, and per-row Python is what it
    # would cost. The findings first (CROSS JOIN): the persons are looked up by id.
    shown = " ".join(f"WHEN '{rule.id}' THEN trim({rule.shown})" for rule in chosen)
    picked = ", ".join(f"'{rule.id}'" for rule in chosen)
    cursor = store.conn.execute(
        f"SELECT f.rule, f.person_id, p.first_name || ' ' || p.last_name, {IDENTITY}, "
        f"f.scheme, f.since, f.deadline, CASE f.rule {shown} END "
        "FROM findings f CROSS JOIN persons p ON p.id = f.person_id "
        f"WHERE f.rule IN ({picked}) AND {IN_FORCE} AND {PERSON_FILTER} "
        "ORDER BY 7, 3, 1, 2, 6, 8",
        params,
    )
    found = list(map(Finding._make, cursor))
    log.info("%d findings (%.3f s)", len(found), time.monotonic() - started)
    if recompute and checked.differing:
        differing = ", ".join(f"{rule} ({n})" for rule, n in sorted(checked.differing.items()))
        raise FindingsDiffered(
            _(
                "the kept findings differed from a fresh computation in {rows} rows "
                "({rules}); the fresh ones are shown and kept from now on"
            ).format(rows=sum(checked.differing.values()), rules=differing),
            _("this is a bug in nir: please report it with the output of --debug"),
            found,
        )
    return found


def make_current(store: Store) -> None:
    """Bring the kept findings up to date if a write left them behind: one that did not go
    through Store.write, or a store last written by a nir with other rules."""
    if not is_current(store.conn):
        if store.read_only:
            raise PermissionDenied(
                _(
                    "the findings kept in the store at {path} are not current, and it is in a "
                    "read-only location where nir cannot bring them up to date"
                ).format(path=store.path),
                hint=_("open it once where it can be written"),
            )
        with store.write():
            keep_current(store)  # in this transaction; a store's own hook then finds nothing


def _recompute(store: Store) -> Recomputed:
    with store.write() as conn:
        return recompute(conn)


class Overdue(NamedTuple):
    id: str
    person: str
    duf: str | None
    kind: str
    scheme: str | None
    fact_date: str
    deadline: str
    days_overdue: int
    state: str


def overdue(
    store: Store,
    as_of: dt.date,
    *,
    within: int | None = None,
    municipality: str | None = None,
    place: str | None = None,
) -> list[Overdue]:
    """Registrations the registry has not accepted whose two-month deadline has passed, and
    with `within`, those due in the next `within` days. Days and state are worked out in SQL:
    on a large store this list is long, and per-row Python is what it costs."""
    limit = as_of + dt.timedelta(days=(within or 0) + (1 if within is not None else 0))
    started = time.monotonic()
    cursor = store.conn.execute(
        f"SELECT r.id, p.first_name || ' ' || p.last_name, {IDENTITY}, r.kind, r.scheme, "
        "r.fact_date, r.deadline, days, CASE WHEN days > 0 THEN 'overdue' ELSE 'due' END "
        "FROM (SELECT *, CAST(julianday(:as_of) - julianday(deadline) AS INTEGER) AS days "
        "      FROM registrations WHERE withdrawn = 0 AND registry_version IS NOT version "
        "        AND deadline < :limit) r "
        f"JOIN persons p ON p.id = r.person_id WHERE {PERSON_FILTER} "
        "ORDER BY r.deadline, p.last_name, r.kind",
        {
            "limit": limit.isoformat(),
            "as_of": as_of.isoformat(),
            "municipality": municipality,
            "place": place,
        },
    )
    rows = list(map(Overdue._make, cursor))
    log.info("overdue: %d registrations (%.3f s)", len(rows), time.monotonic() - started)
    return rows


def status(store: Store, today: dt.date, *, due_days: int) -> dict[str, Any]:
    """The counts `nir status` shows."""
    one = store.one(
        "SELECT "
        "(SELECT count(*) FROM outbox WHERE state = 'pending') AS pending, "
        "(SELECT count(*) FROM outbox WHERE state = 'rejected') AS rejected, "
        "(SELECT count(*) FROM outbox WHERE state = 'conflict') AS conflicts, "
        "(SELECT count(*) FROM registrations WHERE withdrawn = 0 "
        "   AND registry_version IS NOT version AND deadline < :today) AS overdue, "
        "(SELECT count(*) FROM registrations WHERE withdrawn = 0 "
        "   AND registry_version IS NOT version AND deadline >= :today AND deadline <= :due) "
        "   AS due_soon, "
        "(SELECT count(*) FROM persons) AS persons, "
        "(SELECT count(*) FROM registrations WHERE withdrawn = 0) AS registrations",
        {"today": today.isoformat(), "due": (today + dt.timedelta(days=due_days)).isoformat()},
    )
    assert one is not None
    return {**one, "missing": count_missing(store, today), "last_sync": last_sync(store)}


def count_missing(store: Store, as_of: dt.date) -> int:
    """How many findings `nir missing` would list as of a date."""
    make_current(store)
    row = store.conn.execute(
        f"SELECT count(*) FROM findings f WHERE {IN_FORCE}", {"as_of": as_of.isoformat()}
    ).fetchone()
    return int(row[0])


def last_sync(store: Store) -> str | None:
    """When a sync last finished, once sync exists (the table arrives with it)."""
    exists = store.one("SELECT 1 AS x FROM sqlite_master WHERE name = 'sync_runs'")
    if exists is None:
        return None
    row = store.one("SELECT max(finished_at) AS at FROM sync_runs")
    return row["at"] if row else None
