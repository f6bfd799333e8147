"""SQL for persons: new persons and new versions, with their outbox rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nir_cli.domain.enums import Entity
from nir_cli.domain.person import PersonData
from nir_cli.store.db import ChangedMeanwhile, Store
from nir_cli.store.outbox import enqueue_many
from nir_cli.store.person_versions import PERSON_COLUMNS as PERSON_COLUMNS
from nir_cli.store.person_versions import body_sql

REGISTRY_SOURCE = "registry"  # the source of what was pulled


@dataclass(frozen=True)
class PersonVersion:
    id: str
    version: int
    data: PersonData
    base_version: int | None = None  # the registry version it builds on
    previous_version: int | None = None  # the stored version it follows (default: version - 1)


def insert_new(
    conn: sqlite3.Connection, items: Sequence[PersonVersion], now: str, source: str
) -> None:
    columns = ", ".join(PERSON_COLUMNS)
    marks = ", ".join("?" for _ in PERSON_COLUMNS)
    conn.executemany(
        f"INSERT INTO persons (id, version, {columns}, created_at, entry_date, source) "
        f"VALUES (?, ?, {marks}, ?, ?, ?)",
        [
            (p.id, p.version, *p.data.model_dump(mode="json").values(), now, now, source)
            for p in items
        ],
    )
    insert_versions(conn, items, now, source)
    enqueue_many(
        conn,
        Entity.PERSON,
        [(p.id, p.version, p.base_version) for p in items],
        now,
        supersede=False,
    )


def update_existing(
    conn: sqlite3.Connection, items: Sequence[PersonVersion], now: str, source: str
) -> None:
    """New versions of existing persons, each following the version it was made from: when
    another writer got there first, ChangedMeanwhile (as for registrations), nothing written.
    One version a person a call: the versions are written after the rows, each without its
    body (the row holds it), so two of one person would leave the first without its own."""
    if len({p.id for p in items}) != len(items):
        raise ValueError("update_existing takes one new version a person")
    assignments = ", ".join(f"{name} = ?" for name in PERSON_COLUMNS)
    changed = conn.executemany(
        f"UPDATE persons SET version = ?, {assignments}, entry_date = ?, source = ? "
        "WHERE id = ? AND version = ?",
        [
            (
                p.version,
                *p.data.model_dump(mode="json").values(),
                now,
                source,
                p.id,
                p.previous_version if p.previous_version is not None else p.version - 1,
            )
            for p in items
        ],
    ).rowcount
    if changed != len(items):
        raise ChangedMeanwhile()
    insert_versions(conn, items, now, source)
    enqueue_many(
        conn, Entity.PERSON, [(p.id, p.version, p.base_version) for p in items], now, supersede=True
    )


def insert_versions(
    conn: sqlite3.Connection, items: Sequence[PersonVersion], now: str, source: str
) -> None:
    """The versions the persons rows now hold: their bodies are those rows (NULL here, read
    through person_versions.body_sql; migration 0016's trigger writes a body out when its
    row changes)."""
    conn.executemany(
        "INSERT INTO person_versions (person_id, version, body, entry_date, source) "
        "VALUES (?, ?, NULL, ?, ?)",
        [(p.id, p.version, now, source) for p in items],
    )


def version_body(conn: sqlite3.Connection, person_id: str, version: int) -> dict[str, Any] | None:
    """A person's version as it was written: the JSON body of that version."""
    row = conn.execute(
        f"SELECT {body_sql()} FROM person_versions v LEFT JOIN persons p ON p.id = v.person_id "
        "WHERE v.person_id = ? AND v.version = ?",
        (person_id, version),
    ).fetchone()
    return json.loads(row[0]) if row is not None else None


def versions_of(conn: sqlite3.Connection, person_id: str) -> sqlite3.Row:
    """A person's local version and the version the registry holds."""
    row = conn.execute(
        "SELECT version, registry_version FROM persons WHERE id = ?", (person_id,)
    ).fetchone()
    assert row is not None, person_id
    return row  # type: ignore[no-any-return]


def set_registry_version(conn: sqlite3.Connection, person_id: str, version: int) -> None:
    """The registry holds this version of the person (a resolved conflict builds on it)."""
    conn.execute("UPDATE persons SET registry_version = ? WHERE id = ?", (version, person_id))


def from_registry(
    conn: sqlite3.Connection, person: PersonVersion, registry_date: str, *, exists: bool
) -> None:
    """A person as the registry holds it (pulled): inserted, or its newer version taken over,
    with no outbox row (it came from there)."""
    stamp = registry_date + "T00:00:00Z"
    data = person.data.model_dump(mode="json")
    values = [data[name] for name in PERSON_COLUMNS]
    if not exists:
        conn.execute(
            f"INSERT INTO persons (id, version, {', '.join(PERSON_COLUMNS)}, created_at, "
            f"entry_date, source, registry_date, registry_version) VALUES "
            f"(?, ?, {', '.join('?' * len(PERSON_COLUMNS))}, ?, ?, ?, ?, ?)",
            (
                person.id,
                person.version,
                *values,
                stamp,
                stamp,
                REGISTRY_SOURCE,
                registry_date,
                person.version,
            ),
        )
    else:
        assignments = ", ".join(f"{name} = ?" for name in PERSON_COLUMNS)
        conn.execute(
            f"UPDATE persons SET version = ?, {assignments}, entry_date = ?, source = ?, "
            "registry_date = ?, registry_version = ? WHERE id = ?",
            (
                person.version,
                *values,
                stamp,
                REGISTRY_SOURCE,
                registry_date,
                person.version,
                person.id,
            ),
        )
    insert_versions(conn, [person], stamp, REGISTRY_SOURCE)


def municipality_and_place(
    conn: sqlite3.Connection, person_id: str
) -> tuple[str, str | None] | None:
    row = conn.execute(
        "SELECT municipality, place FROM persons WHERE id = ?", (person_id,)
    ).fetchone()
    return (row["municipality"], row["place"]) if row is not None else None


# -- reads -------------------------------------------------------------------------------------


def by_id(store: Store, person_id: str) -> dict[str, Any] | None:
    return store.one("SELECT * FROM persons WHERE id = ?", (person_id,))


def by_number(store: Store, column: str, number: str) -> dict[str, Any] | None:
    """A person by DUF number (`duf`) or fødselsnummer (`fnr`)."""
    assert column in ("duf", "fnr")
    return store.one(f"SELECT * FROM persons WHERE {column} = ?", (number,))


def listed(
    store: Store,
    *,
    municipality: str | None = None,
    place: str | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Persons, optionally filtered (search: in the name, or the start of the DUF number), by
    last name; at most `limit` of them (the first by that order)."""
    clauses: list[str] = []
    params: list[Any] = []
    if municipality:
        clauses.append("municipality = ?")
        params.append(municipality)
    if place:
        clauses.append("place = ?")
        params.append(place)
    if search:
        clauses.append("(first_name || ' ' || last_name LIKE ? OR duf LIKE ?)")
        params += [f"%{search}%", f"{search}%"]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT * FROM persons {where} ORDER BY last_name, first_name, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return store.query(sql, params)
