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
