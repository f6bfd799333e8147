"""Rows by the references people type: a full id, a short id (its last characters), or a
longer prefix of it."""

from __future__ import annotations

from typing import Any

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
_PERSON_REFS = "id, duf, fnr, birth_date, municipality, place"


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
