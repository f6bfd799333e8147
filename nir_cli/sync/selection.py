"""Which outbox rows nir sync sends next, and their records as wire JSON built by SQLite.

A batch never depends on one still on the wire (the registry may decide them in any order): a
record whose earlier version is on the wire, or a registration whose person is, waits for a
later batch. See nir_cli.sync.push for how batches are sent and answered.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from nir_cli.domain.registrations import MODELS
from nir_cli.store import Store

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
           || ',"person_id":null,"body":' || json_patch('{{}}', pv.body)
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
# with no sort. And the rows :seqs (a JSON list) that waited before (see Outbox).
NEXT = _pending("o.seq > :after")
WAITING = _pending("o.seq IN (SELECT value FROM json_each(:seqs))")


class Row(NamedTuple):
    """One outbox row in a batch: what its answer is applied to."""

    seq: int
    entity: str
    id: str
    version: int


class Selected(NamedTuple):
    """A pending outbox row as `_pending` reads it, with its record as wire JSON."""

    seq: int
    entity: str
    id: str
    version: int
    person_id: str | None
    record: str

    @property
    def row(self) -> Row:
        return Row(self.seq, self.entity, self.id, self.version)


class Outbox:
    """The pending outbox rows to send next, in order: a cursor through the outbox.

    A row waits while a record of the same id (an earlier version), or a registration's person,
    is on the wire. Each batch takes first the rows that waited before (read again by their
    seq), then reads on after the last row read: it never reads again a row it sent, nor walks
    past the rows on the wire."""

    def __init__(self) -> None:
        self.after = 0  # the last row read by NEXT
        self.waiting: set[int] = set()

    def next(self, store: Store, size: int, on_wire: list[dict[str, Row]]) -> list[Selected]:
        """Up to `size` pending rows, in order, that depend on none on the wire."""
        wire_ids = {record_id for rows in on_wire for record_id in rows}
        taken: list[Selected] = []
        waited: set[int] = set()
        earlier = sorted(self.waiting)
        kept: set[int] = set()
        if earlier:
            last = _read(
                store, WAITING, {"seqs": json.dumps(earlier)}, size, wire_ids, taken, waited
            )
            if len(taken) == size:  # those after the last one read wait on
                kept = {seq for seq in earlier if seq > last}
        if len(taken) < size:
            last = _read(store, NEXT, {"after": self.after}, size, wire_ids, taken, waited)
            self.after = max(self.after, last)
        # A row that waited and is not read again is no longer pending (superseded): dropped.
        self.waiting = waited | kept
        return taken


def _read(
    store: Store,
    sql: str,
    params: dict[str, Any],
    size: int,
    wire_ids: set[str],
    taken: list[Selected],
    waited: set[int],
) -> int:
    """Rows of `sql` into `taken`, or `waited` when they depend on one on the wire, until
    `taken` holds `size`; the seq of the last row read (0 for none)."""
    last = 0
    cursor = store.conn.execute(sql, params)
    try:
        for row in map(Selected._make, cursor):
            last = row.seq
            if row.id in wire_ids or row.person_id in wire_ids:
                waited.add(last)
                continue
            taken.append(row)
            if len(taken) == size:
                break
    finally:
        cursor.close()
    return last
