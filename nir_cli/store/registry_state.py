"""What the registry is known to hold of each local record: its version and registry date."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from nir_cli.domain.enums import Entity

TABLES = {Entity.PERSON: "persons", Entity.REGISTRATION: "registrations"}


def local_versions(
    conn: sqlite3.Connection, entity: Entity, record_id: str
) -> tuple[int, int | None] | None:
    """The local version of a record and the version the registry is known to hold; None
    when the record is not here."""
    row = conn.execute(
        f"SELECT version, registry_version FROM {TABLES[entity]} WHERE id = ?", (record_id,)
    ).fetchone()
    return (row["version"], row["registry_version"]) if row is not None else None


def note_accepted(
    conn: sqlite3.Connection, entity: Entity, record_id: str, version: int, registry_date: str
) -> None:
    """The registry holds `version` of the record (never lowered; the first date is kept)."""
    conn.execute(
        f"UPDATE {TABLES[entity]} SET registry_version = ?, registry_date = coalesce("
        "registry_date, ?) WHERE id = ? AND (registry_version IS NULL OR registry_version < ?)",
        (version, registry_date, record_id, version),
    )


def note_pushed(
    conn: sqlite3.Connection, entity: Entity, accepted: Sequence[tuple[str, int | None, str | None]]
) -> None:
    """The registry accepted these (id, version, registry date) of ours just now: each record's
    registry version and date become those (never lowered)."""
    conn.executemany(
        f"UPDATE {TABLES[entity]} SET registry_version = ?, registry_date = ? WHERE id = ? "
        "AND (registry_version IS NULL OR registry_version < ?)",
        [(version, date, record_id, version) for record_id, version, date in accepted],
    )
