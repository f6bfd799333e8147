"""Plain reads of the register for tools that look at it from outside the services: the
sandbox's course, which checks a learner's work against the data itself."""

from __future__ import annotations

import json
from typing import Any

from nir_cli.store.db import Store


def person_by_order(store: Store, index: int) -> dict[str, Any]:
    """The store's persons in the order they were made (0 is the first): id, DUF, name."""
    rows = store.query(
        "SELECT id, duf, first_name || ' ' || last_name AS name FROM persons "
        "ORDER BY rowid LIMIT 1 OFFSET ?",
        (index,),
    )
    return rows[0]


def registrations_of(store: Store, duf: str, kind: str, **where: str) -> list[dict[str, Any]]:
    """A person's registrations of one kind (current versions, withdrawn ones too), by date;
    `where`: equal columns (scheme=...)."""
    clauses = "".join(f" AND r.{column} = :{column}" for column in where)
    return store.query(
        "SELECT r.id, r.scheme, r.fact_date, r.details, r.version, r.withdrawn "
        "FROM registrations r JOIN persons p ON p.id = r.person_id "
        f"WHERE p.duf = :duf AND r.kind = :kind{clauses} ORDER BY r.fact_date, r.rowid",
        {"duf": duf, "kind": kind, **where},
    )


def first_details(store: Store, registration_id: str) -> dict[str, Any]:
    """What a registration's first version said (its fields), whatever came after."""
    rows = store.query(
        "SELECT details FROM registration_versions WHERE registration_id = ? "
        "ORDER BY version LIMIT 1",
        (registration_id,),
    )
    return dict(json.loads(rows[0]["details"])) if rows else {}


def outbox_waiting(store: Store) -> list[dict[str, Any]]:
    """What waits to be sent or mended: outbox rows pending, rejected or in conflict, counted."""
    return store.query(
        "SELECT state, count(*) AS n FROM outbox WHERE state IN ('pending', 'rejected', "
        "'conflict') GROUP BY state ORDER BY state"
    )


def registration_ids(store: Store) -> list[str]:
    return [r["id"] for r in store.query("SELECT id FROM registrations ORDER BY id")]
