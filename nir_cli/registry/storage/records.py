"""The registry's records on SQLite: what a batch touches, read at once, and what it accepted,
written with one statement per table. `nir_cli.registry.plan` decides in between, in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from nir_cli.registry.persons import Identity, People
from nir_cli.registry.plan import Plan, Touched
from nir_cli.registry.storage.record_statements import UPSERT_RECORD, record_rows
from nir_cli.wire import Entity

# The answers given to the batch's records before. An accepted record's answer is kept empty:
# it is rebuilt from the version it made, whose received_at holds its registry date.
ANSWERS = (
    "SELECT a.id, a.version, a.record_hash, a.answer, v.received_at FROM record_answers a "
    "LEFT JOIN record_versions v ON v.id = a.id AND v.version = a.version AND a.answer = '' "
    "WHERE a.id IN ({marks})"
)

# The birth date of each of the batch's persons the registry has, by primary key: the unary +
# keeps SQLite off the (municipality, entity) index, which it would otherwise choose, reading
# every person of the municipality for every batch.
BIRTHS = (
    "SELECT id, json_extract(body, '$.birth_date') AS birth FROM records "
    "WHERE id IN ({marks}) AND +municipality = ? AND +entity = 'person'"
)


def touched(
    conn: sqlite3.Connection,
    municipality: str,
    ids: list[str],
    person_ids: list[str],
    numbers: tuple[list[str], list[str]] = ([], []),
) -> Touched:
    """What a batch touches: its records, the answers given them before, the birth date of
    each person it names, and the persons of its numbers (nir_cli.registry.persons)."""
    aliases = _aliases(conn, [*ids, *person_ids])
    wanted = sorted({*ids, *aliases.values()})
    marks = ", ".join("?" for _ in wanted)
    current = {
        row["id"]: dict(row)
        for row in conn.execute(f"SELECT * FROM records WHERE id IN ({marks})", wanted)
    }
    answers = [
        (row["id"], row["version"], row["record_hash"], row["answer"], row["received_at"])
        for row in conn.execute(ANSWERS.format(marks=", ".join("?" for _ in ids)), ids)
    ]
    births: dict[str, str | None] = {}
    named = sorted({*person_ids, *(aliases.get(p, p) for p in person_ids)})
    if named:
        rows = conn.execute(
            BIRTHS.format(marks=", ".join("?" for _ in named)), [*named, municipality]
        )
        births = {row["id"]: row["birth"] for row in rows}
    return Touched(current, answers, births, _people(conn, municipality, numbers, aliases))


def _aliases(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {
        row["alias_id"]: row["record_id"]
        for row in conn.execute(
            f"SELECT alias_id, record_id FROM person_aliases WHERE alias_id IN ({marks})", ids
        )
    }


def _people(
    conn: sqlite3.Connection,
    municipality: str,
    numbers: tuple[list[str], list[str]],
    aliases: dict[str, str],
) -> People:
    """The persons of the batch's numbers, each with the caller's record of it and its birth
    date where it lives now."""
    people = People(aliases=dict(aliases))
    dufs, fnrs = numbers
    if not dufs and not fnrs:
        return people
    found = conn.execute(
        f"SELECT * FROM persons WHERE duf IN ({', '.join('?' for _ in dufs)}) "
        f"OR fnr IN ({', '.join('?' for _ in fnrs)})",
        [*dufs, *fnrs],
    ).fetchall()
    for row in found:
        people.add(Identity(row["person_id"], row["duf"], row["fnr"], row["municipality"]))
    keys = [row["person_id"] for row in found]
    if keys:
        marks = ", ".join("?" for _ in keys)
        for row in conn.execute(
            f"SELECT * FROM records WHERE entity = 'person' AND person_key IN ({marks}) "
            "AND municipality = ?",
            [*keys, municipality],
        ):
            people.records[row["person_key"]] = dict(row)
        for row in conn.execute(
            "SELECT r.person_key, json_extract(r.body, '$.birth_date') AS birth FROM records r "
            "JOIN persons p ON p.person_id = r.person_key AND p.municipality = r.municipality "
            f"WHERE r.entity = 'person' AND r.person_key IN ({marks})",
            keys,
        ):
            people.births[row["person_key"]] = row["birth"]
    return people


def write_accepted(
    conn: sqlite3.Connection,
    municipality: str,
    plan: Plan,
    batch_id: str,
    username: str,
    received: str,
) -> None:
    """The accepted (record, body as stored): each its change, current row and version; then
    what the batch did to the persons (nir_cli.registry.persons)."""
    accepted = plan.accepted
    if accepted:
        row = conn.execute("SELECT coalesce(max(seq), 0) AS seq FROM changes").fetchone()
        first = int(row["seq"]) + 1
        seqs = range(first, first + len(accepted))
        conn.executemany(
            "INSERT INTO changes (seq, municipality, record_id, version) VALUES (?, ?, ?, ?)",
            [
                (seq, municipality, rec.id, rec.version)
                for seq, (rec, _) in zip(seqs, accepted, strict=True)
            ],
        )
        conn.executemany(
            UPSERT_RECORD,
            record_rows(accepted, seqs, municipality, received, plan.person_keys),
        )
        conn.executemany(
            "INSERT INTO record_versions (id, version, body, withdrawn, received_at, batch_id, "
            "username) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (rec.id, rec.version, body, int(rec.withdrawn), received, batch_id, username)
                for rec, body in accepted
            ],
        )
    _write_persons(conn, plan, received)
    _hand_over(conn, municipality, plan, received)


def _write_persons(conn: sqlite3.Connection, plan: Plan, received: str) -> None:
    conn.executemany(
        "INSERT INTO persons (person_id, duf, fnr, municipality) VALUES (?, ?, ?, ?)",
        [(p.person_id, p.duf, p.fnr, p.municipality) for p in plan.new_persons],
    )
    conn.executemany(
        "UPDATE persons SET duf = ?, fnr = ? WHERE person_id = ?",
        [(p.duf, p.fnr, p.person_id) for p in plan.renumbered],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO person_aliases (alias_id, record_id, linked_at) VALUES (?, ?, ?)",
        [(alias, record, received) for alias, record in plan.links],
    )
    conn.executemany(
        "INSERT INTO moves (person_key, from_municipality, to_municipality, moved_on, "
        "recorded_at) VALUES (?, ?, ?, ?, ?)",
        [(*move, received) for move in plan.moves],
    )
    conn.executemany(
        "UPDATE persons SET municipality = ? WHERE person_id = ?",
        [(move.to_municipality, move.person_id) for move in plan.moves],
    )


def _hand_over(conn: sqlite3.Connection, municipality: str, plan: Plan, received: str) -> None:
    """A moved person's registrations in the municipalities it lived in, into the feed of the
    one it moved to (read-only there); and a registration a municipality accepted now for a
    person who has moved on, into the feed of each municipality it moved to."""
    handed: list[tuple[str, str, int]] = []
    for move in plan.moves:
        handed += [
            (move.to_municipality, row["id"], row["version"])
            for row in conn.execute(HAND_OVER, (move.person_id, move.to_municipality))
        ]
    registrations = [rec.id for rec, _ in plan.accepted if rec.entity is Entity.REGISTRATION]
    if registrations:
        marks = ", ".join("?" for _ in registrations)
        handed += [
            (row["dest"], row["id"], row["version"])
            for row in conn.execute(
                FOLLOW_MOVES.format(marks=marks), [municipality, *registrations]
            )
        ]
    if handed:
        row = conn.execute("SELECT coalesce(max(seq), 0) AS seq FROM changes").fetchone()
        first = int(row["seq"]) + 1
        conn.executemany(
            "INSERT INTO changes (seq, municipality, record_id, version) VALUES (?, ?, ?, ?)",
            [(first + i, *change) for i, change in enumerate(handed)],
        )


# Every registration of the person in another municipality than the one moved to.
HAND_OVER = """
SELECT r.id, r.version FROM records r JOIN records p ON p.id = r.person_id AND p.entity = 'person'
WHERE r.entity = 'registration' AND p.person_key = ? AND r.municipality != ? ORDER BY r.seq
"""
# The registrations just accepted of persons who moved from this municipality to another: a
# change in each municipality moved to. The unary + keeps SQLite on the ids: with a batch's
# 500 of them it would otherwise read every record of the municipality by its index.
FOLLOW_MOVES = """
SELECT DISTINCT m.to_municipality AS dest, r.id, r.version
FROM records r JOIN records p ON p.id = r.person_id
JOIN moves m ON m.person_key = p.person_key AND m.to_municipality != r.municipality
WHERE +r.municipality = ? AND r.id IN ({marks})
ORDER BY r.id, dest
"""


def remember_answers(
    conn: sqlite3.Connection, answers: Sequence[tuple[str, int, str, str]]
) -> None:
    """(id, version, record hash, answer) to give a resend; the first answer stays."""
    conn.executemany(
        "INSERT OR IGNORE INTO record_answers (id, version, record_hash, answer) "
        "VALUES (?, ?, ?, ?)",
        answers,
    )
