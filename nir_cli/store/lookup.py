"""Rows by the references people type: a full id, a short id (its last characters), or a
longer prefix of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nir_cli.domain.entitlement import TrainingFacts
from nir_cli.domain.extended import ExtendedFacts
from nir_cli.store.db import Store

TABLES = frozenset({"persons", "registrations"})


def by_short_id(store: Store, table: str, short: str) -> list[dict[str, Any]]:
    """Up to two rows whose id ends with `short` (two: enough to tell it is ambiguous)."""
    assert table in TABLES
    return store.query(
        f"SELECT * FROM {table} WHERE substr(id, 29) >= ? AND substr(id, 29) < ? LIMIT 2",
        (short, short + "\uffff"),
    )


def by_id_prefix(store: Store, table: str, prefix: str) -> list[dict[str, Any]]:
    """Up to two rows whose id starts with `prefix`."""
    assert table in TABLES
    return store.query(
        f"SELECT * FROM {table} WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "\uffff")
    )


# The columns a chunk of an import looks rows up by, and what it reads of them.
_KEYS = {
    "persons": frozenset({"id", "duf", "fnr"}),
    "registrations": frozenset({"id", "natural_key"}),
}
_PERSON_REFS = (
    "id, duf, fnr, birth_date, municipality, place, residence_basis, regime, permit_date, "
    "settlement_date, population_registration_date, arrival_date"
)


def where_in(
    store: Store, table: str, column: str, values: set[str], *, live_only: bool = False
) -> list[dict[str, Any]]:
    """The rows of `table` whose `column` is one of `values` (an import's chunk at a time);
    with `live_only`, withdrawn registrations are left out."""
    assert column in _KEYS[table]
    if not values:
        return []
    marks = ", ".join("?" for _ in values)
    extra = " AND withdrawn = 0" if live_only else ""
    return store.query(f"SELECT * FROM {table} WHERE {column} IN ({marks}){extra}", tuple(values))


def person_refs(store: Store, column: str, values: set[str]) -> list[dict[str, Any]]:
    """What a registration's row needs of the persons it names: ids, numbers, birth date and
    where they live."""
    assert column in _KEYS["persons"]
    if not values:
        return []
    marks = ", ".join("?" for _ in values)
    return store.query(
        f"SELECT {_PERSON_REFS} FROM persons WHERE {column} IN ({marks})", tuple(values)
    )


def training_facts(store: Store, person_id: str) -> TrainingFacts:
    person = store.one(
        "SELECT count(*) AS educations, "
        "count(CASE WHEN json_extract(details, '$.upper_secondary') = 1 THEN 1 END) "
        "  AS upper_secondary "
        "FROM registrations WHERE person_id = ? AND kind = 'education' AND withdrawn = 0",
        (person_id,),
    )
    training = store.one(
        "SELECT min(fact_date) AS first_start FROM registrations "
        "WHERE person_id = ? AND kind = 'start' AND scheme = 'training' AND withdrawn = 0",
        (person_id,),
    )
    leave = store.one(
        "SELECT coalesce(sum(julianday(json_extract(details, '$.until')) - julianday(fact_date) "
        "+ 1), 0) AS days FROM registrations WHERE person_id = ? AND kind = 'leave' "
        "AND scheme = 'training' AND withdrawn = 0",
        (person_id,),
    )
    upper = None
    if person is not None and person["educations"]:
        upper = bool(person["upper_secondary"])
    first_start = training["first_start"] if training else None
    return TrainingFacts(
        upper,
        dt.date.fromisoformat(first_start) if first_start else None,
        int(leave["days"]) if leave else 0,
    )


def programme_goal(store: Store, person_id: str) -> str | None:
    """The final goal (sluttmål) of the person's latest live programme goal."""
    row = store.one(
        "SELECT json_extract(details, '$.final_goal') AS goal FROM registrations "
        "WHERE person_id = ? AND kind = 'goal' AND scheme = 'programme' AND withdrawn = 0 "
        "ORDER BY fact_date DESC LIMIT 1",
        (person_id,),
    )
    return row["goal"] if row else None


def extended_facts(
    store: Store, person_id: str, decided: dt.date, own_id: str | None = None
) -> ExtendedFacts:
    """What a decision on extended training dated `decided` is judged against: the person's
    training facts and the months of their live decisions on extended training before it (by
    date, then id; `own_id` is the decision's own id when it is corrected, left out)."""
    training = training_facts(store, person_id)
    day = decided.isoformat()
    earlier = store.query(
        "SELECT json_extract(details, '$.months') AS months FROM registrations "
        "WHERE person_id = ? AND kind = 'extended-training' AND withdrawn = 0 AND id IS NOT ? "
        "AND (fact_date < ? OR (fact_date = ? AND (? IS NULL OR id < ?))) "
        "ORDER BY fact_date, id",
        (person_id, own_id, day, day, own_id, own_id),
    )
    return ExtendedFacts(
        training.upper_secondary,
        training.first_start,
        training.leave_days,
        tuple(int(row["months"]) for row in earlier),
    )


def ordered(store: Store, person_id: str, scheme: str) -> list[dict[str, Any]]:
    """A person's live starts, ends, stops, claims and decisions of one scheme (domain.order)."""
    return store.query(
        "SELECT kind, fact_date FROM registrations WHERE person_id = ? AND scheme = ? "
        "AND withdrawn = 0 AND kind IN ('start', 'end', 'stop', 'claim', 'decision')",
        (person_id, scheme),
    )
