"""Conflicts the registry reported: kept beside our version until a person resolves them."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from nir_cli.domain.enums import Entity
from nir_cli.store.db import Store
from nir_cli.store.registry_state import TABLES

LISTING = """
SELECT c.id, c.entity, c.entity_id, c.local_version, c.registry_version, c.detected_at,
       p.first_name || ' ' || p.last_name AS name, p.duf, p.fnr, r.kind, r.fact_date
FROM conflicts c
LEFT JOIN registrations r ON c.entity = 'registration' AND r.id = c.entity_id
LEFT JOIN persons p ON p.id = CASE WHEN c.entity = 'person' THEN c.entity_id ELSE r.person_id END
WHERE c.resolved_at IS NULL
ORDER BY c.id
"""


def open_ones(store: Store) -> list[dict[str, Any]]:
    """Every open conflict, the registry's body as data."""
    rows = store.query("SELECT * FROM conflicts WHERE resolved_at IS NULL ORDER BY id")
    for row in rows:
        row["registry_body"] = json.loads(row["registry_body"])
    return rows


def listing(store: Store) -> list[dict[str, Any]]:
    """Open conflicts with whose record each is (name, DUF, fødselsnummer as stored)."""
    return store.query(LISTING)


def one(store: Store, conflict_id: int) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM conflicts WHERE id = ?", (conflict_id,))
    if row is not None:
        row["registry_body"] = json.loads(row["registry_body"])
    return row


def local_row(store: Store, entity: Entity | str, record_id: str) -> dict[str, Any] | None:
    """Our current row of the record a conflict is about."""
    return store.one(f"SELECT * FROM {TABLES[Entity(entity)]} WHERE id = ?", (record_id,))


def record(
    conn: sqlite3.Connection,
    entity: str,
    entity_id: str,
    local_version: int,
    registry_version: int,
    registry_body: dict[str, Any],
    registry_withdrawn: bool,
    now: str,
    *,
    registry_person_id: str | None = None,
) -> None:
    """A conflict the registry answered; a newer answer for the same record replaces an open
    one. `registry_person_id`: a person the registry has under another record (same DUF
    number or fødselsnummer, other facts), whose record `registry_body` is."""
    conn.execute(
        "INSERT INTO conflicts (entity, entity_id, local_version, registry_version, "
        "registry_body, registry_withdrawn, detected_at, registry_person_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (entity, entity_id) WHERE resolved_at IS NULL DO UPDATE SET "
        "local_version = excluded.local_version, "
        "registry_version = excluded.registry_version, "
        "registry_body = excluded.registry_body, "
        "registry_withdrawn = excluded.registry_withdrawn, "
        "registry_person_id = excluded.registry_person_id",
        (
            entity,
            entity_id,
            local_version,
            registry_version,
            json.dumps(registry_body),
            int(registry_withdrawn),
            now,
            registry_person_id,
        ),
    )


def close(conn: sqlite3.Connection, conflict_id: int, resolution: str, now: str) -> None:
    conn.execute(
        "UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?",
        (now, resolution, conflict_id),
    )
