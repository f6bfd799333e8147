"""The registry's storage on SQLite, the embedded default (the PostgreSQL one is
`storage/postgres.py`; both implement `storage/interface.py`). Routes talk to a `Scoped` view
bound to the caller's municipality; every query it runs carries that municipality, so no route
can read or write across one.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nir_cli.core.portable import FileLock
from nir_cli.core.sqlite_file import SQLiteFile
from nir_cli.domain.entitlement import TrainingFacts
from nir_cli.registry.plan import (
    IdempotencyMismatch,
    Plan,
    Prepared,
    change_of,
    decide,
    prepare,
)
from nir_cli.registry.storage import records
from nir_cli.registry.storage.accounts import SqliteAccounts
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.record_statements import training_facts_of
from nir_cli.registry.validation import Validator
from nir_cli.wire import (
    BatchIn,
    Change,
)

MIGRATIONS = "nir_cli.registry.migrations"


class RegistryFile(SQLiteFile):
    """The registry's SQLite file: nir's safe opening, WAL and write transactions
    (nir_cli.core.sqlite_file), with the registry's own migrations and nothing of the client's."""

    MIGRATIONS = MIGRATIONS


# With checkpoints in the background, a request checkpoints only when the write-ahead log has
# grown this far anyway (pages of 4 KiB: 64 MiB), should the background thread fall behind.
CHECKPOINT_SAFETY_PAGES = 16_384
CHECKPOINT_EVERY = 0.25  # seconds between two background checkpoints at most
log = logging.getLogger(__name__)


class RegistryDB:
    """The registry's SQLite file: migrated once, then a connection per request from a pool.

    Connections are kept open: opening one costs its configuration, and closing the last one
    checkpoints the whole WAL, which per request would cost more than most batches.

    With `background_checkpoints` (the server's choice), the write-ahead log is copied into the
    database by a thread of its own after writes, instead of by whichever request crosses
    SQLite's threshold: that request would otherwise wait for the copy and its fsync."""

    def __init__(self, path: Path, *, background_checkpoints: bool = False) -> None:
        self.path = path
        self.location = str(path)
        # SQLite's busy and locked states are met by its busy handler and the push lock.
        self.transient: tuple[type[Exception], ...] = ()
        self.commit_delay = 0.0  # a fault for tests (faults.py): seconds held before commit
        self._checkpointer: _Checkpointer | None = None
        first = RegistryFile.open(path, MIGRATIONS, create=True)  # creates and migrates the file
        if background_checkpoints:
            self._checkpointer = _Checkpointer(path)
        self._idle: list[RegistryFile] = [self._configured(first)]
        self._lock = threading.Lock()
        # Batches are stored one at a time; a second waits here rather than in SQLite's busy
        # handler, which polls with sleeps of up to 100 ms.
        self.push_lock = _PushLock(path)

    def _configured(self, store: RegistryFile) -> RegistryFile:
        if self._checkpointer is not None:
            store.conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_SAFETY_PAGES}")
        return store

    def wrote(self) -> None:
        """A write was committed: the background thread (if any) checkpoints soon."""
        if self._checkpointer is not None:
            self._checkpointer.wanted.set()

    @contextmanager
    def session(self) -> Iterator[SqliteSession]:
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = self._configured(RegistryFile.open(self.path, MIGRATIONS))
        try:
            yield SqliteSession(store, self.commit_delay)
        finally:
            if store.conn.in_transaction:  # never hand on a connection mid-transaction
                store.conn.execute("ROLLBACK")
            with self._lock:
                self._idle.append(store)

    def close(self) -> None:
        self.push_lock.close()
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()


class SqliteSession:
    """One connection of the SQLite registry, as the routes use it (`interface.Session`);
    `conn`, `query`, `one` and `write` are the `RegistryFile`'s own."""

    def __init__(self, store: RegistryFile, commit_delay: float = 0.0) -> None:
        self.store = store
        self.conn = store.conn
        self.accounts = SqliteAccounts(store)
        self.commit_delay = commit_delay

    def scoped(self, municipality: str) -> Scoped:
        scoped = Scoped(self.store, municipality)
        scoped.commit_delay = self.commit_delay
        return scoped

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return self.store.query(sql, params)

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        return self.store.one(sql, params)

    def write(self) -> Any:
        return self.store.write()


class _PushLock:
    """One batch stored at a time, across the threads of this process (a lock) and the worker
    processes of `nir registry serve --workers N` (a file lock on `<database>.push.lock`,
    which the system lets go of when a process dies)."""

    def __init__(self, path: Path) -> None:
        self._lock = FileLock(f"{path}.push.lock")

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def close(self) -> None:
        """Nothing is held between batches."""


class _Checkpointer:
    """A thread that copies the write-ahead log into the database when asked, at most every
    CHECKPOINT_EVERY seconds. PASSIVE: it never blocks a writer or a reader, and copies what
    no reader still needs; the next write starts the log afresh once all of it is copied."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="nir-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # mode=rw: the file exists (RegistryDB made it, with its private mode); never create one.
        uri = f"{self.path.resolve().as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 1000")
            while True:
                self.wanted.wait()
                if self._stopping:
                    return
                self.wanted.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the requests' own checkpoints are the safety net
                    log.warning("background checkpoint failed: %s", exc)
                time.sleep(CHECKPOINT_EVERY)
        finally:
            conn.close()

    def stop(self) -> None:
        self._stopping = True
        self.wanted.set()
        self._thread.join()


# A municipality's change feed: its own records' changes, and those of a moved person's
# registrations in the municipalities it lived in before, handed over read-only (`owner`) and
# named by this municipality's own record of the person.
CHANGES = (
    """
SELECT c.seq, r.entity, c.record_id, c.version,
       CASE WHEN r.municipality = :m THEN r.person_id
            ELSE (SELECT x.id FROM records p JOIN records x ON x.person_key = p.person_key
                  AND x.entity = 'person' AND x.municipality = :m
                  WHERE p.id = r.person_id) END AS person_id,
       v.body, v.withdrawn, r.withdrawn_reason, v.received_at,
       CASE WHEN r.municipality = :m THEN NULL ELSE r.municipality END AS owner
FROM changes c
JOIN records r ON r.id = c.record_id
JOIN record_versions v ON v.id = c.record_id AND v.version = c.version
WHERE c.municipality = :m AND c.seq > :after ORDER BY c.seq LIMIT :limit
""".replace(":m", "?1")
    .replace(":after", "?2")
    .replace(":limit", "?3")
)

# A person's training facts from the registrations of every record of the person (its records
# in the municipalities it lived in before, too), reached from the caller's record of it.
TRAINING_FACTS = """
SELECT count(CASE WHEN kind = 'education' THEN 1 END) AS educations,
       max(CASE WHEN kind = 'education' THEN json_extract(body, '$.upper_secondary') END)
         AS upper_secondary,
       min(CASE WHEN kind = 'start' AND scheme = 'training' THEN fact_date END) AS first_start,
       coalesce(sum(CASE WHEN kind = 'leave' AND scheme = 'training' THEN
         julianday(json_extract(body, '$.until')) - julianday(fact_date) + 1 END), 0)
         AS leave_days
FROM (SELECT json_extract(r.body, '$.kind') AS kind, json_extract(r.body, '$.scheme') AS scheme,
             json_extract(r.body, '$.fact_date') AS fact_date, r.body
      FROM records r
      WHERE r.entity = 'registration' AND r.withdrawn = 0 AND r.person_id IN (
          SELECT x.id FROM records p JOIN records x ON x.entity = 'person'
          AND x.person_key = p.person_key WHERE p.id = ?1 AND p.municipality = ?2
          UNION SELECT ?1 WHERE EXISTS (SELECT 1 FROM records WHERE id = ?1
                                       AND municipality = ?2)))
"""


class Scoped:
    """The registry as one municipality sees it."""

    commit_delay = 0.0  # a fault for tests (faults.py): seconds held before commit

    def __init__(self, store: RegistryFile, municipality: str) -> None:
        self.store = store
        self.municipality = municipality

    # -- reads ------------------------------------------------------------------------------

    def record(self, record_id: str) -> dict[str, Any] | None:
        return self.store.one(
            "SELECT * FROM records WHERE id = ? AND municipality = ?",
            (record_id, self.municipality),
        )

    def training_facts(self, person_id: str) -> TrainingFacts:
        """What a person's entitlement depends on among the registrations the registry holds,
        the person's earlier municipalities' included: upper secondary education (None when
        none is registered), the first start of training and the days of training leave."""
        row = self.store.one(TRAINING_FACTS, (person_id, self.municipality))
        assert row is not None
        return training_facts_of(row)

    def changes(self, after: int, limit: int) -> tuple[list[Change], int]:
        rows = self.store.query(CHANGES, (self.municipality, after, limit))
        changes = [change_of(r) for r in rows]
        return changes, (changes[-1].seq if changes else after)

    # -- writes -----------------------------------------------------------------------------

    def prepare(self, batch: BatchIn, validator: Validator) -> Prepared:
        """The batch checked on its own, outside the push lock (plan.prepare)."""
        return prepare(batch, validator, self.municipality)

    def push(self, prepared: Prepared, username: str) -> str:
        """Store a prepared batch (or with validate_only, check it) and return the answer, a
        BatchOut, as JSON; the caller holds the push lock. The same idempotency key with the
        same body answers as the first time; with another body it is refused.

        One transaction: what the batch touches is read in three queries, every record is
        decided in order (plan.decide), and what was accepted is written with one statement
        per table."""
        batch, body_hash = prepared.batch, prepared.body_hash
        with self.store.write(commit=not batch.validate_only) as conn:
            if not batch.validate_only:
                seen = conn.execute(
                    "SELECT body_hash, response FROM batches WHERE municipality = ? "
                    "AND idempotency_key = ?",
                    (self.municipality, batch.idempotency_key),
                ).fetchone()
                if seen is not None:
                    if seen["body_hash"] != body_hash:
                        raise IdempotencyMismatch()
                    return str(seen["response"])
            batch_id = str(uuid.uuid4())
            received = now()
            ids, person_ids = Plan.touching(batch.records)
            touched = records.touched(
                conn, self.municipality, ids, person_ids, Plan.numbers(prepared)
            )
            decided = decide(prepared, touched, self.municipality, received)
            if decided.applied:
                records.write_accepted(
                    conn, self.municipality, decided.plan, batch_id, username, received
                )
                records.remember_answers(conn, decided.remember)
            response = decided.response(batch_id, batch.validate_only)
            if not batch.validate_only:
                conn.execute(
                    "INSERT INTO batches (batch_id, municipality, idempotency_key, body_hash, "
                    "response, username, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        batch_id,
                        self.municipality,
                        batch.idempotency_key,
                        body_hash,
                        response,
                        username,
                        received,
                    ),
                )
                if self.commit_delay:
                    time.sleep(self.commit_delay)
            return response


def records_held(path: Path, ids: list[str]) -> set[str]:
    """Which of these record ids a registry's SQLite file holds, read from the file itself on
    a read-only connection (the sandbox's course checks a sync this way); none without it."""
    if not path.exists():
        return set()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        held: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id FROM records WHERE id IN ({marks})"
            held.update(row[0] for row in conn.execute(query, chunk))
        return held
    finally:
        conn.close()
