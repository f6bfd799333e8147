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
- The records' statements are `storage/pg_records.py`, the accounts' `storage/pg_accounts.py`.
- **Migrations** (`registry/migrations_pg`, numbered like SQLite's) run at start under an
  advisory lock: several app processes may start at once; one migrates, the others wait and
  find nothing left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from nir_cli.core.errors import ConfigError, StoreUnusable, TemporaryFailure
from nir_cli.core.i18n import _
from nir_cli.core.sqlite_file import migrations
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.location import redacted
from nir_cli.registry.storage.pg_accounts import PgAccounts
from nir_cli.registry.storage.pg_records import PgScoped, driver

MIGRATIONS = "nir_cli.registry.migrations_pg"
MIGRATION_LOCK = 7_261_001  # the advisory lock key under which migrations run
POOL_MAX = 10  # connections per app process
CONNECT_TIMEOUT = 10.0  # seconds to wait for the database at start and for a free connection
log = logging.getLogger(__name__)


class PostgresStorage:
    """The registry's PostgreSQL database: migrated once at start, then a pooled connection
    per request (`session`)."""

    def __init__(self, url: str, *, max_size: int = POOL_MAX) -> None:
        psycopg = driver()
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
#
# Every statement is planned for its own parameters and the tables' size now: psycopg prepares a
# statement run five times, and PostgreSQL may then keep one generic plan for it. A plan made
# while the registry's tables were nearly empty (a sequential scan) would be kept by every
# pooled connection until the next ANALYZE, which autovacuum may be late with or never do (off
# on a test server): found as batches taking seconds once records passed 400,000.
SESSION_SETTINGS = (
    "SET idle_in_transaction_session_timeout = '60s'",
    "SET lock_timeout = '30s'",
    "SET plan_cache_mode = force_custom_plan",
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
