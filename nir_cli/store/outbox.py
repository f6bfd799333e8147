"""The transactional outbox: each change's row is written in the change's own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from nir_cli.domain.enums import Entity


def enqueue_many(
    conn: sqlite3.Connection,
    entity: Entity,
    items: Sequence[tuple[str, int, int | None]],
    now: str,
    *,
    supersede: bool,
) -> None:
    """Queue (id, version, base_version) items for the registry.

    With `supersede`, older pending, rejected or conflicting rows of the same records are marked
    superseded: only the newest version needs sending (it corrects a rejected one and resolves a
    conflict), and the version tables keep the history.
    """
    if supersede:
        conn.executemany(
            "UPDATE outbox SET state = 'superseded' "
            "WHERE entity = ? AND entity_id = ? AND state IN ('pending', 'rejected', 'conflict')",
            [(entity.value, entity_id) for entity_id, _, _ in items],
        )
    conn.executemany(
        "INSERT INTO outbox (entity, entity_id, version, base_version, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(entity.value, entity_id, version, base, now) for entity_id, version, base in items],
    )
