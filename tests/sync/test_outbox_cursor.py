"""How nir sync chooses each batch (selection.Outbox), against a real store file, under any mix of
new records, new versions, batches built and batches answered in any order.

Every batch holds only pending rows, none of them on the wire and none depending on a record
on the wire (an earlier version of it, or a registration's person), one row per record; and
once every batch is answered and nothing more comes, every change made was sent, exactly once
unless a newer version replaced it before it was sent."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nir_cli.domain.enums import Entity
from nir_cli.store import Store
from nir_cli.store.outbox import enqueue_many
from nir_cli.sync.selection import Outbox, Row
from tests.conftest import examples

# What happens between two builds: a new person, a new registration of a person (by index), a
# new version of a record (by index), a batch answered (by index among those on the wire).
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("person")),
        st.tuples(st.just("registration"), st.integers(0, 50)),
        st.tuples(st.just("edit"), st.integers(0, 200)),
        st.tuples(st.just("answer"), st.integers(0, 2)),
        st.tuples(st.just("build"), st.integers(1, 4)),
    ),
    max_size=80,
)


class World:
    """A store, the records in it and the batches on the wire, changed the way nir changes
    them (a registration row for each registration's person; the outbox through enqueue_many)."""

    def __init__(self, path: Path) -> None:
        self.raw = sqlite3.connect(path, isolation_level=None)  # no foreign keys: no persons
        self.store = Store.open(path, create=True)
        self.ids = (f"00000000-0000-7000-8000-{n:012d}" for n in itertools.count())
        self.persons: list[str] = []
        self.versions: dict[str, tuple[Entity, int]] = {}
        self.on_wire: list[dict[str, Row]] = []
        self.sent: list[tuple[str, int]] = []

    def change(self, entity: Entity, record_id: str) -> None:
        version = self.versions.get(record_id, (entity, 0))[1] + 1
        self.versions[record_id] = (entity, version)
        self.raw.execute("BEGIN")
        enqueue_many(self.raw, entity, [(record_id, version, None)], "x", supersede=True)
        self.raw.execute("COMMIT")

    def add_person(self) -> None:
        person = next(self.ids)
        self.persons.append(person)
        self.change(Entity.PERSON, person)

    def add_registration(self, which: int) -> None:
        if not self.persons:
            return
        registration, person = next(self.ids), self.persons[which % len(self.persons)]
        self.raw.execute(
            "INSERT INTO registrations (id, person_id, kind, fact_date, deadline, natural_key, "
            "details, version, municipality, created_at, entry_date, source) VALUES "
            "(?, ?, 'claim', '2026-01-01', '2026-03-01', ?, '{}', 1, '5001', 'x', 'x', 't')",
            (registration, person, registration),
        )
        self.change(Entity.REGISTRATION, registration)

    def edit(self, which: int) -> None:
        if self.versions:
            record_id = list(self.versions)[which % len(self.versions)]
            self.change(self.versions[record_id][0], record_id)

    def answer(self, which: int) -> None:
        """A batch on the wire answered, all of it accepted (the registry may answer them in
        any order); a row superseded while on the wire is accepted too."""
        if self.on_wire:
            rows = self.on_wire.pop(which % len(self.on_wire))
            self.raw.executemany(
                "UPDATE outbox SET state = 'accepted' WHERE seq = ?",
                [(row.seq,) for row in rows.values()],
            )

    def build(self, outbox: Outbox, size: int) -> bool:
        if len(self.on_wire) == 3:
            return False
        selected = outbox.next(self.store, size, self.on_wire)
        if not selected:
            return False
        states = dict(self.raw.execute("SELECT seq, state FROM outbox").fetchall())
        wire_ids = {record_id for rows in self.on_wire for record_id in rows}
        wire_seqs = {row.seq for rows in self.on_wire for row in rows.values()}
        person_of = dict(self.raw.execute("SELECT id, person_id FROM registrations").fetchall())
        batch: dict[str, Row] = {}
        for row in selected:
            seq, record_id = row[0], row[2]
            assert states[seq] == "pending", row
            assert seq not in wire_seqs, row
            assert record_id not in wire_ids, row
            assert person_of.get(record_id) not in wire_ids, row
            assert record_id not in batch, ("two versions of one record in a batch", row)
            batch[record_id] = Row._make(row[:4])
            self.sent.append((record_id, row[3]))
        assert [row[0] for row in selected] == sorted(row[0] for row in selected)
        self.on_wire.append(batch)
        return True


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_each_batch_is_safe_to_send_and_every_change_is_sent_once(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[Any, ...]]
) -> None:
    world = World(tmp_path_factory.mktemp("outbox") / "store.db")
    outbox = Outbox()
    try:
        for step in steps:
            if step[0] == "person":
                world.add_person()
            elif step[0] == "registration":
                world.add_registration(step[1])
            elif step[0] == "edit":
                world.edit(step[1])
            elif step[0] == "answer":
                world.answer(step[1])
            else:
                world.build(outbox, step[1])
        # Nothing more comes: answer and build until the wire is empty and nothing is left.
        while True:
            if world.build(outbox, 2):
                continue
            if not world.on_wire:
                break
            world.answer(0)
        assert len(world.sent) == len(set(world.sent)), "a version sent twice"
        left = world.raw.execute("SELECT count(*) FROM outbox WHERE state = 'pending'")
        assert left.fetchone()[0] == 0
        # Every record's newest version was sent: what the registry ends up holding.
        newest = {record_id: version for record_id, (_, version) in world.versions.items()}
        assert {r: v for r, v in world.sent if newest[r] == v} == newest
    finally:
        world.store.close()
        world.raw.close()
