"""Which outbox rows nir sync sends next, and their records as wire JSON built by SQLite.

A batch never depends on one still on the wire (the registry may decide them in any order): a
record whose earlier version is on the wire, or a registration whose person is, waits for a
later batch. See nir_cli.sync.push for how batches are sent and answered.
"""

from __future__ import annotations

from collections.abc import Iterator

from nir_cli.store import Store
from nir_cli.store import outbox as outbox_sql
from nir_cli.store.outbox import Pending, Row

__all__ = ["Outbox", "Pending", "Row"]


class Outbox:
    """The pending outbox rows to send next, in order: a cursor through the outbox.

    A row waits while a record of the same id (an earlier version), or a registration's person,
    is on the wire. Each batch takes first the rows that waited before (read again by their
    seq), then reads on after the last row read: it never reads again a row it sent, nor walks
    past the rows on the wire."""

    def __init__(self) -> None:
        self.after = 0  # the last row read by NEXT
        self.waiting: set[int] = set()

    def next(self, store: Store, size: int, on_wire: list[dict[str, Row]]) -> list[Pending]:
        """Up to `size` pending rows, in order, that depend on none on the wire."""
        wire_ids = {record_id for rows in on_wire for record_id in rows}
        taken: list[Pending] = []
        waited: set[int] = set()
        earlier = sorted(self.waiting)
        kept: set[int] = set()
        if earlier:
            with outbox_sql.pending(store, among=earlier) as rows:
                last = _take(rows, size, wire_ids, taken, waited)
            if len(taken) == size:  # those after the last one read wait on
                kept = {seq for seq in earlier if seq > last}
        if len(taken) < size:
            with outbox_sql.pending(store, after=self.after) as rows:
                last = _take(rows, size, wire_ids, taken, waited)
            self.after = max(self.after, last)
        # A row that waited and is not read again is no longer pending (superseded): dropped.
        self.waiting = waited | kept
        return taken


def _take(
    rows: Iterator[Pending],
    size: int,
    wire_ids: set[str],
    taken: list[Pending],
    waited: set[int],
) -> int:
    """`rows` into `taken`, or `waited` when they depend on one on the wire, until `taken`
    holds `size`; the seq of the last row read (0 for none)."""
    last = 0
    for row in rows:
        last = row.seq
        if row.id in wire_ids or row.person_id in wire_ids:
            waited.add(last)
            continue
        taken.append(row)
        if len(taken) == size:
            break
    return last
