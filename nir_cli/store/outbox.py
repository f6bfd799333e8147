"""The transactional outbox: each change's row is written in the change's own transaction."""

from __future__ import annotations

import sqlite3
from enum import StrEnum


class Entity(StrEnum):
    PERSON = "person"
    REGISTRATION = "registration"


def enqueue(
    conn: sqlite3.Connection,
    entity: Entity,
    entity_id: str,
    version: int,
    base_version: int | None,
    now: str,
) -> None:
    """Queue one version for the registry; older pending versions of it are superseded."""
    conn.execute(
        "UPDATE outbox SET state = 'superseded' "
        "WHERE entity = ? AND entity_id = ? AND state = 'pending'",
        (entity.value, entity_id),
    )
    conn.execute(
        "INSERT INTO outbox (entity, entity_id, version, base_version, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (entity.value, entity_id, version, base_version, now),
    )
