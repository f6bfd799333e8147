"""The registry's records on SQLite: what a batch touches, read at once, and what it accepted,
written with one statement per table. `nir_cli.registry.plan` decides in between, in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from nir_cli.registry.plan import Touched
from nir_cli.wire import RecordIn

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
    conn: sqlite3.Connection, municipality: str, ids: list[str], person_ids: list[str]
) -> Touched:
    marks = ", ".join("?" for _ in ids)
    current = {
        row["id"]: dict(row)
        for row in conn.execute(f"SELECT * FROM records WHERE id IN ({marks})", ids)
    }
    answers = [
        (row["id"], row["version"], row["record_hash"], row["answer"], row["received_at"])
        for row in conn.execute(ANSWERS.format(marks=marks), ids)
    ]
    births: dict[str, str | None] = {}
    if person_ids:
        rows = conn.execute(
            BIRTHS.format(marks=", ".join("?" for _ in person_ids)), [*person_ids, municipality]
        )
        births = {row["id"]: row["birth"] for row in rows}
    return Touched(current, answers, births)


def write_accepted(
    conn: sqlite3.Connection,
    municipality: str,
    accepted: Sequence[tuple[RecordIn, str]],
    batch_id: str,
    username: str,
    received: str,
) -> None:
    """The accepted (record, body as stored): each its change, current row and version."""
    if not accepted:
        return
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
        "INSERT INTO records (id, municipality, entity, person_id, version, body, withdrawn, "
        "withdrawn_reason, registry_date, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body, "
        "withdrawn = excluded.withdrawn, withdrawn_reason = excluded.withdrawn_reason, "
        "registry_date = excluded.registry_date, seq = excluded.seq",
        [
            (
                rec.id,
                municipality,
                rec.entity.value,
                rec.person_id,
                rec.version,
                body,
                int(rec.withdrawn),
                rec.withdrawn_reason,
                received[:10],
                seq,
            )
            for seq, (rec, body) in zip(seqs, accepted, strict=True)
        ],
    )
    conn.executemany(
        "INSERT INTO record_versions (id, version, body, withdrawn, received_at, batch_id, "
        "username) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (rec.id, rec.version, body, int(rec.withdrawn), received, batch_id, username)
            for rec, body in accepted
        ],
    )


def remember_answers(
    conn: sqlite3.Connection, answers: Sequence[tuple[str, int, str, str]]
) -> None:
    """(id, version, record hash, answer) to give a resend; the first answer stays."""
    conn.executemany(
        "INSERT OR IGNORE INTO record_answers (id, version, record_hash, answer) "
        "VALUES (?, ?, ?, ?)",
        answers,
    )
