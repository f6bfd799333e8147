"""SQL for registrations: new registrations and new versions, one row or many at a time.

Each call writes the current row, the version row and the outbox row for every item; the caller
holds the transaction (`Store.write()`), so a change and its outbox entry commit together.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from nir_cli.domain.deadlines import two_month_deadline
from nir_cli.domain.enums import Entity
from nir_cli.domain.registrations import RegistrationBase
from nir_cli.store.db import ChangedMeanwhile, Store
from nir_cli.store.outbox import enqueue_many, supersede
from nir_cli.store.persons import REGISTRY_SOURCE


@dataclass(frozen=True)
class Version:
    """One version of a registration to write."""

    id: str
    person_id: str
    version: int
    registration: RegistrationBase
    municipality: str
    place: str | None
    withdrawn: bool = False
    withdrawn_reason: str | None = None
    base_version: int | None = None  # the registry version this one builds on
    previous_version: int | None = None  # the current version it replaces (default: version - 1)
    # What a caller worked out already (the importer): the natural key, and the columns.
    key: str | None = None
    stored: tuple[str, str | None, str, str, str] | None = None

    @cached_property
    def natural_key(self) -> str:
        return self.key or natural_key(self.person_id, self.registration)

    @cached_property
    def columns(self) -> tuple[str, str | None, str, str, str]:
        """kind, scheme, fact date, deadline and details as stored: computed once."""
        if self.stored is not None:
            return self.stored
        reg = self.registration
        scheme = reg.scheme_value
        return (
            reg.kind.value,
            scheme.value if scheme else None,
            reg.fact_date.isoformat(),
            two_month_deadline(reg.fact_date).isoformat(),
            reg.details_json(),
        )


def natural_key(person_id: str, registration: RegistrationBase) -> str:
    return f"{person_id}|{registration.natural_key()}"


def _version_rows(items: Sequence[Version], now: str, source: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for v in items:
        kind, scheme, fact_date, _, details = v.columns
        rows.append(
            (
                v.id,
                v.version,
                kind,
                scheme,
                fact_date,
                details,
                int(v.withdrawn),
                v.withdrawn_reason,
                now,
                source,
            )
        )
    return rows


def insert_versions(
    conn: sqlite3.Connection, items: Sequence[Version], now: str, source: str
) -> None:
    conn.executemany(
        "INSERT INTO registration_versions (registration_id, version, kind, scheme, fact_date, "
        "details, withdrawn, withdrawn_reason, entry_date, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _version_rows(items, now, source),
    )


# The columns of a new registration as insert_new stages them: the registration's own, then
# what its version and outbox rows take beside them.
_STAGED = (
    "id, person_id, kind, scheme, fact_date, deadline, natural_key, details, version, "
    "municipality, place, created_at, entry_date, source, withdrawn, withdrawn_reason, "
    "base_version"
)


def insert_new(
    conn: sqlite3.Connection,
    items: Sequence[Version],
    now: str,
    source: str,
    *,
    enqueue: bool = True,
) -> None:
    """New registrations (version 1) with their version and outbox rows. Without `enqueue`
    they are facts NIR holds from another source (test results from HK-dir): no outbox row,
    and marked as held (registry_version = version), so they are never sent nor overdue.

    The rows are staged in a temporary table and written by one statement per table: SQLite
    keeps its statement journal for the registrations' triggers once a chunk rather than once
    a row, which was a third of what an import cost in SQL."""
    if not items:
        return
    rows = []
    for v in items:
        kind, scheme, fact_date, deadline, details = v.columns
        rows.append(
            (
                v.id,
                v.person_id,
                kind,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                v.version,
                v.municipality,
                v.place,
                now,
                now,
                source,
                int(v.withdrawn),
                v.withdrawn_reason,
                v.base_version,
            )
        )
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS registrations_staged ({_STAGED})")
    try:
        conn.executemany(
            f"INSERT INTO temp.registrations_staged ({_STAGED}) "
            f"VALUES ({', '.join('?' * len(rows[0]))})",
            rows,
        )
        conn.execute(
            "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
            "natural_key, details, version, municipality, place, created_at, entry_date, source) "
            "SELECT id, person_id, kind, scheme, fact_date, deadline, natural_key, details, "
            "version, municipality, place, created_at, entry_date, source "
            "FROM temp.registrations_staged ORDER BY rowid"
        )
        conn.execute(
            "INSERT INTO registration_versions (registration_id, version, kind, scheme, "
            "fact_date, details, withdrawn, withdrawn_reason, entry_date, source) "
            "SELECT id, version, kind, scheme, fact_date, details, withdrawn, withdrawn_reason, "
            "entry_date, source FROM temp.registrations_staged ORDER BY rowid"
        )
        if enqueue:
            conn.execute(
                "INSERT INTO outbox (entity, entity_id, version, base_version, created_at) "
                f"SELECT '{Entity.REGISTRATION.value}', id, version, base_version, entry_date "
                "FROM temp.registrations_staged ORDER BY rowid"
            )
    except BaseException:
        # A write the disk refused: SQLite has rolled the transaction back, the staging
        # table (made in it) with it. The first error is the one to tell (exit 74).
        with contextlib.suppress(sqlite3.Error):
            conn.execute("DELETE FROM temp.registrations_staged")
        raise
    conn.execute("DELETE FROM temp.registrations_staged")
    if not enqueue:
        _held_elsewhere(conn, items)


def _held_elsewhere(conn: sqlite3.Connection, items: Sequence[Version]) -> None:
    conn.executemany(
        "UPDATE registrations SET registry_version = version WHERE id = ?",
        [(v.id,) for v in items],
    )
    supersede(conn, Entity.REGISTRATION, [v.id for v in items])


def update_existing(
    conn: sqlite3.Connection,
    items: Sequence[Version],
    now: str,
    source: str,
    *,
    enqueue: bool = True,
) -> None:
    """New versions of existing registrations; each item's version is the current one + 1.
    Without `enqueue`, as for insert_new."""
    rows = []
    for v in items:
        _, scheme, fact_date, deadline, details = v.columns
        rows.append(
            (
                v.version,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                int(v.withdrawn),
                v.withdrawn_reason,
                now,
                source,
                v.id,
                v.previous_version if v.previous_version is not None else v.version - 1,
            )
        )
    changed = conn.executemany(
        "UPDATE registrations SET version = ?, scheme = ?, fact_date = ?, deadline = ?, "
        "natural_key = ?, details = ?, withdrawn = ?, withdrawn_reason = ?, entry_date = ?, "
        "source = ? WHERE id = ? AND version = ?",
        rows,
    ).rowcount
    if changed != len(items):
        raise ChangedMeanwhile()
    insert_versions(conn, items, now, source)
    if not enqueue:
        _held_elsewhere(conn, items)
        return
    enqueue_many(
        conn,
        Entity.REGISTRATION,
        [(v.id, v.version, v.base_version) for v in items],
        now,
        supersede=True,
    )


def set_registry_version(conn: sqlite3.Connection, registration_id: str, version: int) -> None:
    """The registry holds this version of the registration (a resolved conflict builds on it)."""
    conn.execute(
        "UPDATE registrations SET registry_version = ? WHERE id = ?", (version, registration_id)
    )


def from_registry(
    conn: sqlite3.Connection, v: Version, registry_date: str, *, exists: bool
) -> None:
    """A registration as the registry holds it (pulled): inserted, or its newer version taken
    over, with no outbox row (it came from there)."""
    kind, scheme, fact_date, deadline, details = v.columns
    stamp = registry_date + "T00:00:00Z"
    if not exists:
        conn.execute(
            "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
            "natural_key, details, version, withdrawn, withdrawn_reason, municipality, place, "
            "created_at, entry_date, source, registry_date, registry_version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                v.id,
                v.person_id,
                kind,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                v.version,
                int(v.withdrawn),
                v.withdrawn_reason,
                v.municipality,
                v.place,
                stamp,
                stamp,
                REGISTRY_SOURCE,
                registry_date,
                v.version,
            ),
        )
    else:
        conn.execute(
            "UPDATE registrations SET version = ?, scheme = ?, fact_date = ?, deadline = ?, "
            "natural_key = ?, details = ?, withdrawn = ?, withdrawn_reason = ?, entry_date = ?, "
            "source = ?, registry_date = ?, registry_version = ? WHERE id = ?",
            (
                v.version,
                scheme,
                fact_date,
                deadline,
                v.natural_key,
                details,
                int(v.withdrawn),
                v.withdrawn_reason,
                stamp,
                REGISTRY_SOURCE,
                registry_date,
                v.version,
                v.id,
            ),
        )
    insert_versions(conn, [v], stamp, REGISTRY_SOURCE)


# -- reads -------------------------------------------------------------------------------------


def live_by_key(store: Store, key: str) -> dict[str, Any] | None:
    """The live (not withdrawn) registration with this natural key."""
    return store.one("SELECT * FROM registrations WHERE natural_key = ? AND withdrawn = 0", (key,))


def of_person(store: Store, person_id: str) -> list[dict[str, Any]]:
    """A person's registrations in fact-date order, withdrawn ones included."""
    return store.query(
        "SELECT * FROM registrations WHERE person_id = ? ORDER BY fact_date, created_at",
        (person_id,),
    )


def live_of_kind(
    store: Store, person_id: str, kind: str, scheme: str, exclude_id: str | None
) -> list[dict[str, Any]]:
    """A person's live registrations of one kind and scheme (ids and fact dates)."""
    return store.query(
        "SELECT id, fact_date FROM registrations WHERE person_id = ? AND kind = ? "
        "AND scheme = ? AND withdrawn = 0 AND id IS NOT ?",
        (person_id, kind, scheme, exclude_id),
    )


def versions_of(store: Store, registration_id: str) -> list[dict[str, Any]]:
    """Every version of one registration, oldest first."""
    return store.query(
        "SELECT version, kind, scheme, fact_date, details, withdrawn, withdrawn_reason, "
        "entry_date, source FROM registration_versions WHERE registration_id = ? ORDER BY version",
        (registration_id,),
    )
