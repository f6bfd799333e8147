"""Opening the store: file modes, pragmas, migrations, and write transactions."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from nir_cli.errors import PermissionDenied, TemporaryFailure
from nir_cli.settings import DATA_DIR_MODE, DB_FILE_MODE, STORE_BUSY_TIMEOUT_MS

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def utc_now() -> str:
    """Entry timestamps: UTC, second precision, ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


LOCAL_MIGRATIONS = "nir_cli.store.migrations"


def migrations(package: str = LOCAL_MIGRATIONS) -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration in a package, in order."""
    found = []
    for entry in resources.files(package).iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..N: {numbers}")
    return found


def _statements(script: str) -> Iterator[str]:
    """Split a migration into complete statements (comments and all)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise RuntimeError("migration ends in an incomplete statement")


@functools.lru_cache(maxsize=4096)
def _add_months(day: str | None, months: int) -> str | None:
    # Cached: a rule asks this of thousands of rows, most of them on a few hundred dates.
    from nir_cli.domain.deadlines import add_months

    if day is None:
        return None
    return add_months(dt.date.fromisoformat(day), months).isoformat()


def _level_rank(level: str | None) -> int | None:
    from nir_cli.domain.enums import Level

    try:
        return Level.parse(level).rank if level else None
    except ValueError:
        return None


def _mask(number: str | None) -> str | None:
    from nir_cli.domain.identifiers import mask

    return mask(number) if number else None


def register_functions(conn: sqlite3.Connection) -> None:
    """Domain functions the rules call from SQL, so SQL and Python agree on them.

    nir_add_months clamps to the month's end (31 Jan + 1 month = 28/29 Feb), unlike SQLite's
    own '+N months', which overflows into the next month. nir_mask shows a personal number
    with all but the birth date hidden (NULL for none)."""
    conn.create_function("nir_add_months", 2, _add_months, deterministic=True)
    conn.create_function("nir_level_rank", 1, _level_rank, deterministic=True)
    conn.create_function("nir_mask", 1, _mask, deterministic=True)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class Store:
    """One profile's SQLite file. Reads go straight through; writes use `with store.write()`."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, migrations_package: str = LOCAL_MIGRATIONS
    ) -> None:
        self.path = path
        self.conn = conn
        self.migrations_package = migrations_package

    @classmethod
    def open(cls, path: Path, migrations_package: str = LOCAL_MIGRATIONS) -> Store:
        """Open (creating if needed) with private file modes, WAL and all migrations applied."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=DATA_DIR_MODE)
        try:
            os.chmod(path.parent, DATA_DIR_MODE)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DB_FILE_MODE))
            os.chmod(path, DB_FILE_MODE)
        except PermissionError:
            raise PermissionDenied(f"cannot open the store at {path}: permission denied") from None
        # SQLite gives the -wal and -shm files the main file's mode; the umask guards the rest.
        old_umask = os.umask(0o077)
        try:
            conn = sqlite3.connect(
                path,
                isolation_level=None,
                timeout=STORE_BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            store = cls(path, conn, migrations_package)
            store._configure()
            store.migrate()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise TemporaryFailure(
                    "the store is busy (another nir is writing)", hint="try again in a moment"
                ) from None
            raise
        finally:
            os.umask(old_umask)
        return store

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {STORE_BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # Statement journals (one per statement that fires a trigger, so per imported row)
        # stay in memory instead of spilling to a temporary file; the register's sorts are small.
        self.conn.execute("PRAGMA temp_store = MEMORY")
        register_functions(self.conn)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> int:
        """Apply every migration newer than the file's user_version; returns the new version."""
        for number, _name, sql in migrations(self.migrations_package):
            if number <= self.schema_version:
                continue
            with self.write():
                # Another process may have migrated while we waited for the lock.
                if number <= self.schema_version:
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")
        return self.schema_version

    @contextmanager
    def write(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on any error.

        With `commit=False` it always rolls back: a dry run that sees its own writes."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise TemporaryFailure(
                    "the store is busy (another nir is writing)", hint="try again in a moment"
                ) from None
            raise
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT" if commit else "ROLLBACK")

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [dict(row) for row in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def close(self) -> None:
        self.conn.close()
