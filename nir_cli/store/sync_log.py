"""What the store keeps of syncing: the pull cursor, every run and batch (`nir sync log`,
`nir sync show`), and what waits for a person (rejected records, open conflicts)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from nir_cli.store.db import Store, utc_now


def recent_runs(store: Store, limit: int) -> list[dict[str, Any]]:
    """The last `limit` sync runs, newest first, with their counts and outcome."""
    return store.query(
        "SELECT r.id AS run, r.started_at, r.finished_at, r.dry_run, r.sent, r.accepted, "
        "r.rejected, r.conflicts, r.pulled, r.outcome FROM sync_runs r ORDER BY r.id DESC "
        "LIMIT ?",
        (limit,),
    )


def batches(store: Store, run_id: int) -> list[dict[str, Any]]:
    """The batches of one run; `report` is the registry's answer as data (None until it
    answered), not the text it came as."""
    rows = store.query(
        "SELECT idempotency_key, batch_id, created_at, answered_at, state, accepted, rejected, "
        "conflicts, report FROM sync_batches WHERE run_id = ? ORDER BY created_at",
        (run_id,),
    )
    for row in rows:
        row["report"] = json.loads(row["report"]) if row["report"] else None
    return rows


def pull_cursor(store: Store) -> int:
    """The registry's change sequence number up to which changes were pulled (0 at first)."""
    row = store.one("SELECT value FROM sync_state WHERE key = 'pull_cursor'")
    return int(row["value"]) if row else 0


def set_pull_cursor(conn: sqlite3.Connection, cursor: int) -> None:
    """Inside the transaction that applied the page up to `cursor`."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES ('pull_cursor', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(cursor),),
    )


def start_run(store: Store, dry_run: bool) -> int:
    with store.write() as conn:
        run_id = conn.execute(
            "INSERT INTO sync_runs (started_at, dry_run) VALUES (?, ?)", (utc_now(), int(dry_run))
        ).lastrowid
    assert run_id is not None
    return run_id


def finish_run(
    store: Store,
    run_id: int | None,
    *,
    sent: int,
    accepted: int,
    rejected: int,
    conflicts: int,
    pulled: int,
    outcome: str,
    notes: list[str] | None = None,
) -> None:
    with store.write() as conn:
        conn.execute(
            "UPDATE sync_runs SET finished_at = ?, sent = ?, accepted = ?, rejected = ?, "
            "conflicts = ?, pulled = ?, outcome = ?, notes = ? WHERE id = ?",
            (
                utc_now(),
                sent,
                accepted,
                rejected,
                conflicts,
                pulled,
                outcome,
                json.dumps(notes, ensure_ascii=False) if notes else None,
                run_id,
            ),
        )


def notes_of(store: Store, run_id: int) -> list[str]:
    """What a sync run could not apply of what it pulled, one sentence each."""
    row = store.one("SELECT notes FROM sync_runs WHERE id = ?", (run_id,))
    return list(json.loads(row["notes"])) if row and row["notes"] else []


def waiting(store: Store) -> tuple[int, int]:
    """Rejected records waiting for a correction, and open conflicts."""
    row = store.one(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'rejected') AS rejected, "
        "(SELECT count(*) FROM conflicts WHERE resolved_at IS NULL) AS conflicts"
    )
    assert row is not None
    return int(row["rejected"]), int(row["conflicts"])


REJECTED = """
SELECT o.seq, o.entity, o.entity_id, o.version, o.last_error,
       p.first_name, p.last_name, p.duf, p.fnr,
       r.kind, r.scheme, r.fact_date, r.withdrawn
FROM outbox o
LEFT JOIN registrations r ON o.entity = 'registration' AND r.id = o.entity_id
LEFT JOIN persons p ON p.id = CASE WHEN o.entity = 'person' THEN o.entity_id ELSE r.person_id END
WHERE o.state = 'rejected'
ORDER BY o.seq
"""


def rejected(store: Store) -> list[dict[str, Any]]:
    """Every outbox row the registry rejected, oldest first, with its person and what it is."""
    return store.query(REJECTED)


def unfinished_batches(store: Store) -> list[dict[str, Any]]:
    """Batches remembered and sent, or about to be, whose answer was never applied (a crash or
    a lost connection): sent again as they were, oldest first."""
    return store.query("SELECT * FROM sync_batches WHERE state = 'sending' ORDER BY created_at")


def remember_batch(
    conn: sqlite3.Connection,
    key: str,
    run_id: int | None,
    payload: str,
    outbox_seqs: list[int],
) -> None:
    """A batch as it will be sent, committed before it is: after a crash it goes again."""
    conn.execute(
        "INSERT INTO sync_batches (idempotency_key, run_id, created_at, payload, outbox_seqs) "
        "VALUES (?, ?, ?, ?, ?)",
        (key, run_id, utc_now(), payload, json.dumps(outbox_seqs)),
    )


def finish_batch(
    conn: sqlite3.Connection,
    key: str,
    batch_id: str,
    answered_at: str,
    counts: tuple[int, int, int],
    answer: str,
) -> None:
    """The registry's answer to a batch: its id, the (accepted, rejected, conflicts) counts and
    the answer's text. The payload is dropped: it repeated what the version tables hold."""
    accepted, rejected, conflicts = counts
    conn.execute(
        "UPDATE sync_batches SET state = 'done', batch_id = ?, answered_at = ?, accepted = ?, "
        "rejected = ?, conflicts = ?, report = ?, payload = '' WHERE idempotency_key = ?",
        (batch_id, answered_at, accepted, rejected, conflicts, answer, key),
    )
