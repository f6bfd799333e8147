"""The registry's storage on PostgreSQL: for a registry served by any number of app processes,
on any number of machines, against one database (`nir registry serve --database
postgresql://...`). psycopg 3 with a connection pool; `pip install 'nir-cli[postgres]'`.

What differs from SQLite, and why:
- **No global push lock.** A batch locks the rows of the records and persons it touches that
  exist, in id order (row locks: held in the rows, not in the server's shared lock table), and
  nothing else until its very end: batches of different municipalities (whose persons differ)
  never wait for each other, and two batches touching one record or person are stored one after
  the other. Two creating the same new id meet at its unique key; the second, like a deadlock
  should the database still find one, is run again from the start (a few times).
- **Exactly once.** The same batch arriving at two app processes at once: the second waits on
  the advisory lock of its idempotency key, then finds the first's answer and gives it.
- **A change feed that never skips.** A municipality's changes are numbered by its row in
  `change_counters`, updated as the last step before commit and locked until then. Two
  transactions of one municipality therefore take their numbers in the order they commit,
  so a pull never reads past a number that a transaction still running would fill in later
  (which a plain sequence allows: `tests/registry/test_postgres.py` shows the skip it causes).
  Different municipalities have different rows and never wait for each other.
- **Migrations** (`registry/migrations_pg`, numbered like SQLite's) run at start under an
  advisory lock: several app processes may start at once; one migrates, the others wait and
  find nothing left to do.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from nir_cli.domain.entitlement import TrainingFacts
from nir_cli.errors import ConfigError, StoreUnusable, TemporaryFailure
from nir_cli.i18n import _
from nir_cli.registry.plan import (
    IdempotencyMismatch,
    Plan,
    Prepared,
    Touched,
    change_of,
    decide,
    prepare,
)
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.location import redacted
from nir_cli.registry.storage.pg_accounts import PgAccounts
from nir_cli.registry.validation import Validator
from nir_cli.store.db import migrations
from nir_cli.wire import BatchIn, Change, RecordIn

MIGRATIONS = "nir_cli.registry.migrations_pg"
MIGRATION_LOCK = 7_261_001  # the advisory lock key under which migrations run
POOL_MAX = 10  # connections per app process
CONNECT_TIMEOUT = 10.0  # seconds to wait for the database at start and for a free connection
DEADLOCK_RETRIES = 5
log = logging.getLogger(__name__)


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            _("the PostgreSQL driver is not installed"),
            hint=_("pip install 'nir-cli[postgres]'"),
        ) from None
    return psycopg


class PostgresStorage:
    """The registry's PostgreSQL database: migrated once at start, then a pooled connection
    per request (`session`)."""

    def __init__(self, url: str, *, max_size: int = POOL_MAX) -> None:
        psycopg = _driver()
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.location = redacted(url)
        self.push_lock = nullcontext()
        self.transient = transient_errors()
        self.commit_delay = 0.0  # a fault for tests (faults.py): seconds held before commit
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row, **KEEPALIVES},
            configure=_configure,
            check=ConnectionPool.check_connection,  # a connection the server dropped is replaced
            timeout=CONNECT_TIMEOUT,
            open=False,
            name="nir-registry",
        )
        try:
            # One connection first, for the server's own words when it cannot be reached
            # (refused, no such database, wrong password) rather than the pool's timeout.
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT)).close()
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            with self._pool.connection() as conn:
                migrate(conn, self.location)
        except psycopg.ProgrammingError as exc:  # a URL psycopg cannot read
            self._pool.close()
            raise ConfigError(
                _("{location} is not a PostgreSQL URL nir can use: {error}").format(
                    location=self.location, error=redacted(str(exc).strip().splitlines()[0])
                )
            ) from None
        except (psycopg.OperationalError, _pool_timeout()) as exc:
            self._pool.close()
            raise TemporaryFailure(
                _("the registry's database {location} does not answer: {error}").format(
                    location=self.location, error=str(exc).strip().splitlines()[0]
                )
            ) from None
        except BaseException:
            self._pool.close()
            raise

    @contextmanager
    def session(self) -> Iterator[PgSession]:
        with self._pool.connection() as conn:
            yield PgSession(conn, self.commit_delay)

    def wrote(self) -> None:
        """Nothing to do: PostgreSQL checkpoints on its own."""

    def close(self) -> None:
        self._pool.close()


# Each connection: a lost app machine's transaction and locks go within minutes, not hours
# (TCP keepalives; idle in a transaction for a minute ends it), and a batch waits at most 30 s
# for a lock before it is answered 503 and sent again.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3}  # fmt: skip
SESSION_SETTINGS = (
    "SET idle_in_transaction_session_timeout = '60s'",
    "SET lock_timeout = '30s'",
)


def _configure(conn: Any) -> None:
    for statement in SESSION_SETTINGS:
        conn.execute(statement)


def transient_errors() -> tuple[type[Exception], ...]:
    """What a request may meet when the database is busy, failing over or out of connections:
    answered 503 with Retry-After (the client retries), never 500."""
    import psycopg
    from psycopg_pool import PoolTimeout

    return (psycopg.OperationalError, PoolTimeout)


def _pool_timeout() -> type[Exception]:
    from psycopg_pool import PoolTimeout

    return PoolTimeout


def migrate(conn: Any, location: str = "") -> int:
    """Apply the migrations the database lacks, each in its own transaction, under an advisory
    lock held for the whole run; the number of the last one. A database nir cannot set up (not
    empty and not nir's, or without the right to create tables) is refused, not half-made."""
    import psycopg

    try:
        return _migrate(conn)
    except psycopg.Error as exc:
        if isinstance(exc, psycopg.OperationalError):
            raise
        raise StoreUnusable(
            _("the registry's database {location} cannot be set up: {error}").format(
                location=location, error=str(exc).strip().splitlines()[0]
            ),
            hint=_("give nir a database of its own that it owns (docs/registry-production.md)"),
        ) from None


def _migrate(conn: Any) -> int:
    known = migrations(MIGRATIONS)
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row["version"] for row in conn.execute("SELECT version FROM schema_migrations")}
        if done and max(done) > len(known):
            raise StoreUnusable(
                _(
                    "the registry's database has migration {number}, newer than this nir knows "
                    "({known})"
                ).format(number=max(done), known=len(known)),
                hint=_("upgrade nir on this machine"),
            )
        for number, name, sql in known:
            if number in done:
                continue
            with conn.transaction():
                conn.execute(sql)  # several statements, no parameters: one simple query
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (number, name, now()),
                )
            log.info("migrated the registry to %s", name)
        return len(known)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _qmark(sql: str) -> str:
    """`?` placeholders (as the SQLite statements of tools and tests write them) as psycopg's
    `%s`, outside quoted text; a literal `%` doubled."""
    out, quoted = [], False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


class _QmarkConnection:
    """A connection in a transaction that takes `?` placeholders, as a sqlite3 one does."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(_qmark(sql), list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        with self.conn.cursor() as cursor:
            cursor.executemany(_qmark(sql), rows)
            return cursor


class PgSession:
    """One pooled connection, for one request (`interface.Session`)."""

    def __init__(self, conn: Any, commit_delay: float = 0.0) -> None:
        self.conn = conn
        self.accounts = PgAccounts(conn)
        self.commit_delay = commit_delay

    def scoped(self, municipality: str) -> PgScoped:
        scoped = PgScoped(self.conn, municipality)
        scoped.commit_delay = self.commit_delay
        return scoped

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self.conn.execute(_qmark(sql), list(params)).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        row = self.conn.execute(_qmark(sql), list(params)).fetchone()
        return dict(row) if row is not None else None

    @contextmanager
    def write(self) -> Iterator[_QmarkConnection]:
        with self.conn.transaction():
            yield _QmarkConnection(self.conn)


class PgScoped:
    """The records as one municipality sees them, on PostgreSQL (`interface.ScopedRecords`)."""

    commit_delay = 0.0

    def __init__(self, conn: Any, municipality: str) -> None:
        self.conn = conn
        self.municipality = municipality

    # -- reads ------------------------------------------------------------------------------

    def record(self, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT * FROM records WHERE id = %s AND municipality = %s",
            (record_id, self.municipality),
        ).fetchone()
        return dict(row) if row is not None else None

    def training_facts(self, person_id: str) -> TrainingFacts:
        """As on SQLite: upper secondary education (None when none is registered), the first
        start of training and the days of training leave."""
        row = self.conn.execute(
            "SELECT count(*) FILTER (WHERE kind = 'education') AS educations, "
            "bool_or((b ->> 'upper_secondary')::boolean) FILTER (WHERE kind = 'education') "
            "  AS upper_secondary, "
            "min(fact_date) FILTER (WHERE kind = 'start' AND scheme = 'training') "
            "  AS first_start, "
            "coalesce(sum((b ->> 'until')::date - fact_date::date + 1) "
            "  FILTER (WHERE kind = 'leave' AND scheme = 'training'), 0) AS leave_days "
            "FROM (SELECT body::jsonb AS b, body::jsonb ->> 'kind' AS kind, "
            "body::jsonb ->> 'scheme' AS scheme, body::jsonb ->> 'fact_date' AS fact_date "
            "FROM records WHERE person_id = %s AND municipality = %s "
            "AND entity = 'registration' AND withdrawn = 0) AS r",
            (person_id, self.municipality),
        ).fetchone()
        import datetime as dt

        upper = bool(row["upper_secondary"]) if row["educations"] else None
        first_start = row["first_start"]
        return TrainingFacts(
            upper,
            dt.date.fromisoformat(first_start) if first_start else None,
            int(row["leave_days"]),
        )

    def changes(self, after: int, limit: int) -> tuple[list[Change], int]:
        rows = self.conn.execute(
            "SELECT c.seq, r.entity, c.record_id, c.version, r.person_id, v.body, v.withdrawn, "
            "r.withdrawn_reason, v.received_at FROM changes c "
            "JOIN records r ON r.id = c.record_id "
            "JOIN record_versions v ON v.id = c.record_id AND v.version = c.version "
            "WHERE c.municipality = %s AND c.seq > %s ORDER BY c.seq LIMIT %s",
            (self.municipality, after, limit),
        ).fetchall()
        found = [change_of(r) for r in rows]
        return found, (found[-1].seq if found else after)

    # -- writes -----------------------------------------------------------------------------

    def prepare(self, batch: BatchIn, validator: Validator) -> Prepared:
        return prepare(batch, validator, self.municipality)

    def push(self, prepared: Prepared, username: str) -> str:
        """Store a prepared batch (or with validate_only, check it and roll back) and return
        the answer as JSON. One transaction, retried from the start should the database find
        a deadlock."""
        psycopg = _driver()
        from psycopg.errors import DeadlockDetected, UniqueViolation

        for attempt in range(DEADLOCK_RETRIES + 1):
            answer: list[str] = []
            try:
                with self.conn.transaction():
                    answer.append(self._push(prepared, username))
                    if prepared.batch.validate_only:
                        raise psycopg.Rollback()
                return answer[0]
            except (DeadlockDetected, UniqueViolation) as exc:
                if attempt == DEADLOCK_RETRIES:
                    raise
                log.warning(
                    "storing a batch met %s; retrying (%d)", type(exc).__name__, attempt + 1
                )
        raise AssertionError("unreachable")

    def _push(self, prepared: Prepared, username: str) -> str:
        batch, body_hash = prepared.batch, prepared.body_hash
        if not batch.validate_only:
            # The same batch at two app processes at once: the second waits here, then finds
            # the first's answer below.
            self._lock([f"batch|{self.municipality}|{batch.idempotency_key}"])
            seen = self.conn.execute(
                "SELECT body_hash, response FROM batches WHERE municipality = %s "
                "AND idempotency_key = %s",
                (self.municipality, batch.idempotency_key),
            ).fetchone()
            if seen is not None:
                if seen["body_hash"] != body_hash:
                    raise IdempotencyMismatch()
                return str(seen["response"])
        ids, person_ids = Plan.touching(batch.records)
        # Row locks on the records and persons the batch touches that exist, in id order: held
        # in the rows themselves, not in the server's shared lock table, however large the
        # batch. Two batches creating the same new id meet at its unique key instead, and the
        # second is run again (push), finding the first's.
        self.conn.execute(
            "SELECT 1 FROM records WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            (sorted(set(ids) | set(person_ids)),),
        ).fetchall()
        batch_id = str(uuid.uuid4())
        received = now()
        decided = decide(prepared, self._touched(ids, person_ids), self.municipality, received)
        if decided.applied and not batch.validate_only:  # a check writes nothing, locks no feed
            self._write_accepted(decided.plan.accepted, batch_id, username, received)
            if decided.remember:
                with self.conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO record_answers (id, version, record_hash, answer) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        decided.remember,
                    )
        response = decided.response(batch_id, batch.validate_only)
        if not batch.validate_only:
            self.conn.execute(
                "INSERT INTO batches (batch_id, municipality, idempotency_key, body_hash, "
                "response, username, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
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
        if not batch.validate_only:
            self._before_commit()
        return response

    def _lock(self, keys: list[str]) -> None:
        """Transaction-level advisory locks on `keys`, taken one after the other in the order
        given (sorted by the caller), held until commit or rollback."""
        with self.conn.cursor() as cursor:
            cursor.executemany(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [(k,) for k in keys]
            )

    def _touched(self, ids: list[str], person_ids: list[str]) -> Touched:
        current = {
            row["id"]: dict(row)
            for row in self.conn.execute("SELECT * FROM records WHERE id = ANY(%s)", (ids,))
        }
        answers = [
            (row["id"], row["version"], row["record_hash"], row["answer"], row["received_at"])
            for row in self.conn.execute(
                "SELECT a.id, a.version, a.record_hash, a.answer, v.received_at "
                "FROM record_answers a LEFT JOIN record_versions v ON v.id = a.id "
                "AND v.version = a.version AND a.answer = '' WHERE a.id = ANY(%s)",
                (ids,),
            )
        ]
        births: dict[str, str | None] = {}
        if person_ids:
            births = {
                row["id"]: row["birth"]
                for row in self.conn.execute(
                    "SELECT id, body::jsonb ->> 'birth_date' AS birth FROM records "
                    "WHERE id = ANY(%s) AND municipality = %s AND entity = 'person'",
                    (person_ids, self.municipality),
                )
            }
        return Touched(current, answers, births)

    def _write_accepted(
        self, accepted: Sequence[tuple[RecordIn, str]], batch_id: str, username: str, received: str
    ) -> None:
        """The accepted (record, body as stored): each its change, current row and version;
        the change numbers are taken last, just before commit (see the module's docstring)."""
        if not accepted:
            return
        with self.conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO record_versions (id, version, body, withdrawn, received_at, "
                "batch_id, username) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (rec.id, rec.version, body, int(rec.withdrawn), received, batch_id, username)
                    for rec, body in accepted
                ],
            )
            first = self._allocate(len(accepted))
            seqs = range(first, first + len(accepted))
            cursor.executemany(
                "INSERT INTO changes (municipality, seq, record_id, version) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (self.municipality, seq, rec.id, rec.version)
                    for seq, (rec, _body) in zip(seqs, accepted, strict=True)
                ],
            )
            cursor.executemany(
                "INSERT INTO records (id, municipality, entity, person_id, version, body, "
                "withdrawn, withdrawn_reason, registry_date, seq) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "body = excluded.body, withdrawn = excluded.withdrawn, "
                "withdrawn_reason = excluded.withdrawn_reason, "
                "registry_date = excluded.registry_date, seq = excluded.seq",
                [
                    (
                        rec.id,
                        self.municipality,
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

    def _allocate(self, count: int) -> int:
        """The first of `count` change numbers of this municipality, from its counter row,
        whose lock is held until commit: numbers are taken in commit order."""
        row = self.conn.execute(
            "INSERT INTO change_counters (municipality, last_seq) VALUES (%s, %s) "
            "ON CONFLICT (municipality) DO UPDATE "
            "SET last_seq = change_counters.last_seq + excluded.last_seq RETURNING last_seq",
            (self.municipality, count),
        ).fetchone()
        return int(row["last_seq"]) - count + 1

    def _before_commit(self) -> None:
        """Where a test holds a transaction open before it commits (the commit_delay fault,
        or a subclass); nothing otherwise."""
        if self.commit_delay:
            import time

            time.sleep(self.commit_delay)
