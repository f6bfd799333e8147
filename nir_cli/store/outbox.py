"""The transactional outbox: each change's row is written in the change's own transaction;
nir sync reads the pending rows with their records as wire JSON, and marks what the registry
answered."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from nir_cli.domain.enums import Entity
from nir_cli.domain.registrations import MODELS
from nir_cli.store.db import Store
from nir_cli.store.person_versions import body_sql


def supersede(conn: sqlite3.Connection, entity: Entity, ids: Sequence[str]) -> None:
    """Rows of these records still waiting (pending, rejected, conflicting) are no longer to
    be sent: the record's newest version is not ours to send."""
    conn.executemany(
        "UPDATE outbox SET state = 'superseded' "
        "WHERE entity = ? AND entity_id = ? AND state IN ('pending', 'rejected', 'conflict')",
        [(entity.value, entity_id) for entity_id in ids],
    )


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


# Kinds whose body carries the scheme (for the others it is implied or absent).
_SCHEME_KINDS = ", ".join(
    f"'{kind.value}'" for kind, model in MODELS.items() if "scheme" in model.model_fields
)


def _pending(where: str) -> str:
    """Pending outbox rows (`where` says which), oldest first, as (seq, entity, entity_id,
    version, person_id, record JSON). The JSON is put together as text: ids are UUIDs, versions
    integers, and every other text goes through json_quote. Persons' bodies drop null fields
    (json_patch onto an empty object); a registration's body is kind, fact date, its details
    (stored as a JSON object), then its scheme."""
    return f"""
SELECT o.seq, o.entity, o.entity_id, o.version, r.person_id,
       CASE o.entity
       WHEN 'person' THEN
           '{{"entity":"person","id":"' || o.entity_id || '","version":' || o.version
           || ',"base_version":' || coalesce(p.registry_version, 'null')
           || ',"person_id":null,"body":' || json_patch('{{}}', {body_sql("pv", "p")})
           || ',"withdrawn":false,"withdrawn_reason":null}}'
       ELSE
           '{{"entity":"registration","id":"' || o.entity_id || '","version":' || o.version
           || ',"base_version":' || coalesce(r.registry_version, 'null')
           || ',"person_id":"' || r.person_id || '","body":{{"kind":' || json_quote(rv.kind)
           || ',"fact_date":' || json_quote(rv.fact_date)
           || CASE WHEN rv.details = '{{}}' THEN ''
                   ELSE ',' || substr(rv.details, 2, length(rv.details) - 2) END
           || CASE WHEN rv.scheme IS NOT NULL AND rv.kind IN ({_SCHEME_KINDS})
                   THEN ',"scheme":' || json_quote(rv.scheme) ELSE '' END
           || '}},"withdrawn":' || CASE WHEN rv.withdrawn THEN 'true' ELSE 'false' END
           || ',"withdrawn_reason":' || json_quote(rv.withdrawn_reason) || '}}'
       END AS record
FROM outbox o
LEFT JOIN registrations r ON o.entity = 'registration' AND r.id = o.entity_id
LEFT JOIN person_versions pv ON o.entity = 'person' AND pv.person_id = o.entity_id
     AND pv.version = o.version
LEFT JOIN persons p ON o.entity = 'person' AND p.id = o.entity_id
LEFT JOIN registration_versions rv ON o.entity = 'registration'
     AND rv.registration_id = o.entity_id AND rv.version = o.version
WHERE o.state = 'pending' AND {where}
ORDER BY o.seq
"""


# The rows after :after, read only as far as a batch needs: through the (state, seq) index,
# with no sort. And the rows :seqs (a JSON list) that waited before.
PENDING_AFTER = _pending("o.seq > :after")
_PENDING_AMONG = _pending("o.seq IN (SELECT value FROM json_each(:seqs))")


class Row(NamedTuple):
    """One outbox row in a batch: what its answer is applied to."""

    seq: int
    entity: str
    id: str
    version: int


class Pending(NamedTuple):
    """A pending outbox row with its record as wire JSON."""

    seq: int
    entity: str
    id: str
    version: int
    person_id: str | None
    record: str

    @property
    def row(self) -> Row:
        return Row(self.seq, self.entity, self.id, self.version)


@contextmanager
def pending(
    store: Store, *, after: int | None = None, among: Sequence[int] = ()
) -> Iterator[Iterator[Pending]]:
    """Pending rows, oldest first: those after seq `after`, or those among the seqs `among`.
    Read lazily, as far as the caller iterates; the cursor closes when the block ends."""
    if after is not None:
        cursor = store.conn.execute(PENDING_AFTER, {"after": after})
    else:
        cursor = store.conn.execute(_PENDING_AMONG, {"seqs": json.dumps(list(among))})
    try:
        yield map(Pending._make, cursor)
    finally:
        cursor.close()


def count_pending(store: Store) -> int:
    row = store.one("SELECT count(*) AS n FROM outbox WHERE state = 'pending'")
    return int(row["n"]) if row else 0


def rows_of(store: Store, seqs: str) -> dict[str, Row]:
    """The outbox rows of a remembered batch (`seqs` as the batch stored them, a JSON list),
    by record id."""
    cursor = store.conn.execute(
        "SELECT seq, entity, entity_id, version FROM outbox "
        "WHERE seq IN (SELECT value FROM json_each(?))",
        (seqs,),
    )
    return {row.id: row for row in map(Row._make, cursor)}


def mark_rejected(conn: sqlite3.Connection, seq: int, error: str) -> None:
    """The registry refused the row's record (`error` as JSON): it waits for a correction."""
    conn.execute(
        "UPDATE outbox SET state = 'rejected', last_error = ?, attempts = attempts + 1 "
        "WHERE seq = ? AND state = 'pending'",
        (error, seq),
    )


def mark_conflict(conn: sqlite3.Connection, seq: int) -> None:
    """The registry holds a newer version of the row's record: it waits for a person."""
    conn.execute("UPDATE outbox SET state = 'conflict' WHERE seq = ? AND state = 'pending'", (seq,))


def mark_accepted(conn: sqlite3.Connection, seqs: list[int]) -> None:
    """The registry stored these rows' records. A row superseded while on the wire is accepted
    too; its newer version has a row of its own, still pending."""
    conn.execute(
        "UPDATE outbox SET state = CASE WHEN state IN ('pending', 'superseded') "
        "THEN 'accepted' ELSE state END, last_error = NULL "
        "WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps(seqs),),
    )


def person_pending(store: Store, registration_id: str) -> bool:
    """The registration's person is itself in the outbox, waiting to be sent."""
    found = store.one(
        "SELECT 1 AS found FROM registrations r JOIN outbox o ON o.entity = 'person' "
        "AND o.entity_id = r.person_id AND o.state = 'pending' WHERE r.id = ?",
        (registration_id,),
    )
    return found is not None


def hold_person(conn: sqlite3.Connection, person_id: str) -> None:
    """A person's pending versions wait for a person (a conflict with the registry's record
    of the same number): not sent until it is resolved."""
    conn.execute(
        "UPDATE outbox SET state = 'conflict' WHERE entity = 'person' AND entity_id = ? "
        "AND state = 'pending'",
        (person_id,),
    )
