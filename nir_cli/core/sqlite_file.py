"""An SQLite file nir owns: opening it safely (file modes, what is and is not a nir file, a
read-only location), its pragmas (WAL, busy timeout, foreign keys), numbered migrations,
`quick_check`, and write transactions that commit whole or not at all.

Neutral infrastructure: the client's store (`nir_cli.store.db.Store`, with its own migrations,
SQL functions and a hook before each commit) and the registry's SQLite storage
(`nir_cli.registry.storage.db`, with its migrations) are both made of it, and neither imports
the other."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Self

from nir_cli.core.constants import DATA_DIR_MODE, DB_FILE_MODE, STORE_BUSY_TIMEOUT_MS
from nir_cli.core.errors import (
    NirError,
    PermissionDenied,
    StoreUnusable,
    TemporaryFailure,
    WriteFailed,
)
from nir_cli.core.i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def utc_now() -> str:
    """Entry timestamps: UTC, second precision, ISO 8601."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@functools.cache
def migrations(package: str) -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration in a package, in order (read once a process:
    every store opened checks its version against them)."""
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


# A migration holding this line runs with foreign keys off (see Store.migrate).
FOREIGN_KEYS_OFF = "-- nir: foreign keys off"


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


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (its extended code less the extension)."""
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return _code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


# SQLite's codes for a write the disk refused: full (or over quota), I/O error, cannot open.
_WRITE_FAILURES = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)


def store_error(exc: sqlite3.OperationalError, path: Path) -> NirError | sqlite3.OperationalError:
    """A busy store (75), a read-only one (77) or a refused write (74), said plainly; anything
    else as it was."""
    code = _code(exc)
    if _is_busy(exc):
        return TemporaryFailure(
            _("the store is busy (another nir is writing)"), hint=_("try again in a moment")
        )
    if code == sqlite3.SQLITE_READONLY:
        return PermissionDenied(
            _("the store at {path} is read-only to you; nothing was changed").format(path=path),
            hint=_("check the file's mode and owner"),
        )
    if code in _WRITE_FAILURES:
        return WriteFailed(
            _("disk full or write error at {path} ({error}); nothing was changed").format(
                path=path, error=exc
            ),
            hint=_("free some space (df -h) and run again"),
        )
    return exc


def _check_is_store_file(path: Path, mode: int) -> None:
    """A regular file that is empty or starts as SQLite files do; anything else is refused."""
    if stat.S_ISDIR(mode):
        raise StoreUnusable(
            _("{path} is a folder, not a nir store").format(path=path),
            hint=_("give the store's file"),
        )
    if not stat.S_ISREG(mode):
        raise StoreUnusable(_("{path} is not a regular file, so not a nir store").format(path=path))
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except PermissionError:
        raise _permission_denied(path) from None
    if head and head != SQLITE_MAGIC:
        raise StoreUnusable(
            _("{path} is not a nir store (not an SQLite file); it was left as it is").format(
                path=path
            ),
            hint=_("check the path; `nir init` creates a store"),
        )


def _not_a_store(path: Path, exc: sqlite3.DatabaseError) -> StoreUnusable:
    return StoreUnusable(
        _("{path} is not a nir store, or it is damaged ({error})").format(path=path, error=exc),
        hint=_("check the path; restore the file from a backup if it was a store"),
    )


def _permission_denied(path: Path) -> PermissionDenied:
    return PermissionDenied(
        _("cannot open the store at {path}: permission denied").format(path=path)
    )


def _writable(path: Path) -> bool:
    """The store file and its folder (where SQLite keeps its journal) can be written."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _make_folders(folder: Path) -> None:
    """Create the missing folders of a path with mode 0700; folders that exist are left as
    they are (a shared 1777 or a read-only 555 folder keeps its mode)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=DATA_DIR_MODE, exist_ok=True)
        os.chmod(each, DATA_DIR_MODE)  # mkdir's mode is cut by the umask


class SQLiteFile:
    """One SQLite file of nir's. Reads go straight through; writes use `with file.write()`.
    A subclass names its migrations (MIGRATIONS) and may add to each connection
    (`_on_connect`: SQL functions)."""

    MIGRATIONS: ClassVar[str] = ""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        migrations_package: str,
        before_commit: Callable[[Any], None] | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self.migrations_package = migrations_package
        # Called in each write transaction just before it commits (not on a dry run): the
        # layer that owns the writes keeps what it derives from them current there (the kept
        # findings: nir_cli.rules.kept.keep_current), without the store knowing of it.
        self.before_commit = before_commit
        # Opened where it cannot be written (a read-only mount, a file or folder not ours to
        # write): reads work, a write is refused as such (see `open`).
        self.read_only = False
        self._verified = False  # verify() found the file whole

    @classmethod
    def open(
        cls,
        path: Path,
        migrations_package: str | None = None,
        *,
        create: bool = False,
        before_commit: Callable[[Any], None] | None = None,
    ) -> Self:
        """Open a store with WAL and all migrations applied.

        Only with `create` (nir init, the sandbox, the registry) is a missing file made, with
        the folders it needs (0700) and the file itself (0600). Without it a missing file, a
        file that is not a nir store, or one from a newer nir is refused (StoreUnusable, exit
        78) and nothing is written. Modes of what nir did not create are never loosened, and a
        folder nir did not create is never touched."""
        migrations_package = migrations_package or cls.MIGRATIONS
        try:
            info = path.stat()
        except FileNotFoundError:
            info = None
        except PermissionError:
            raise _permission_denied(path) from None
        if info is None and not create:
            raise StoreUnusable(
                _("there is no store at {path}").format(path=path),
                hint=_("was it moved? is NIR_HOME right? `nir init` creates one"),
            )
        if info is not None:
            _check_is_store_file(path, info.st_mode)
            if not create and not _writable(path):
                return cls._open_read_only(path, migrations_package)  # never commits
        try:
            if info is None:
                _make_folders(path.parent)
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, DB_FILE_MODE))
            elif stat.S_IMODE(info.st_mode) & 0o077:
                # Tighten, never loosen: group and other lose their bits, the owner keeps its.
                os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
        except PermissionError:
            raise _permission_denied(path) from None
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
            store = cls(path, conn, migrations_package, before_commit)
            try:
                store._check_schema(fresh=create)
                store._configure()
                store.migrate()
            except BaseException:
                conn.close()
                raise
        except sqlite3.OperationalError as exc:
            raise store_error(exc, path) from None
        except sqlite3.DatabaseError as exc:
            raise _not_a_store(path, exc) from None
        finally:
            os.umask(old_umask)
        return store

    @classmethod
    def _open_read_only(cls, path: Path, migrations_package: str) -> Self:
        """A store in a read-only location: opened read-only (and immutable: SQLite cannot make
        its shared-memory file beside it there), so read commands work; a write says where the
        store is. One that needs a migration cannot be read by this nir there."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            store = cls(path, conn, migrations_package)
            store.read_only = True
            store._check_schema(fresh=False)
            store._on_connect()
            conn.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.DatabaseError as exc:
            raise _not_a_store(path, exc) from None
        if store.schema_version < len(migrations(migrations_package)):
            conn.close()
            raise PermissionDenied(
                _(
                    "the store at {path} is in a read-only location and needs an upgrade this "
                    "nir cannot write there"
                ).format(path=path),
                hint=_("open it once where it can be written"),
            )
        return store

    def _check_schema(self, *, fresh: bool) -> None:
        """Refuse a file nir must not write: another program's database, or a newer nir's."""
        known = len(migrations(self.migrations_package))
        version = self.schema_version
        if version > known:
            raise StoreUnusable(
                _(
                    "the store at {path} was written by a newer nir (schema {version}; this "
                    "nir knows up to {known}); it was left as it is"
                ).format(path=self.path, version=version, known=known),
                hint=_("upgrade nir: pip install --upgrade nir-cli"),
            )
        if version == 0:
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if tables or not fresh:
                raise StoreUnusable(
                    _(
                        "{path} is not a nir store (no nir schema in it); it was left as it is"
                    ).format(path=self.path),
                    hint=_("check the path; `nir init` creates a store"),
                )

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {STORE_BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # Statement journals (one per statement that fires a trigger, so per imported row)
        # stay in memory instead of spilling to a temporary file; the register's sorts are small.
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self._on_connect()

    def _on_connect(self) -> None:
        """What a subclass adds to each connection (SQL functions); here, nothing."""

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> int:
        """Apply every migration newer than the file's user_version; returns the new version.

        A migration that makes a table anew (SQLite cannot drop a NOT NULL) says so with the
        line `-- nir: foreign keys off`: it runs with foreign keys off, as SQLite's own
        procedure for such changes asks, and is rolled back unless `PRAGMA foreign_key_check`
        finds every reference intact before it commits."""
        for number, name, sql in migrations(self.migrations_package):
            if number <= self.schema_version:
                continue
            keys_off = FOREIGN_KEYS_OFF in sql
            if keys_off:
                self.conn.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction
            try:
                with self.write():
                    # Another process may have migrated while we waited for the lock.
                    if number <= self.schema_version:
                        continue
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    if keys_off and self.conn.execute("PRAGMA foreign_key_check").fetchone():
                        raise StoreUnusable(
                            _(
                                "migration {name} would break references in {path}; "
                                "nothing was changed"
                            ).format(name=name, path=self.path)
                        )
                    self.conn.execute(f"PRAGMA user_version = {number}")
            finally:
                if keys_off:
                    self.conn.execute("PRAGMA foreign_keys = ON")
        return self.schema_version

    def verify(self) -> None:
        """SQLite's quick_check over the whole file: a damaged store is refused (78) before
        what is read from it is trusted. Not on every open: it reads every page (0.8 s at
        100,000 persons and a million registrations, docs/data-model.md), so exports,
        reports, syncs and `nir status --check` ask for it, once per open store."""
        if self._verified:
            return
        try:
            rows = self.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            problem = str(exc)
        else:
            if [tuple(r) for r in rows] == [("ok",)]:
                self._verified = True
                return
            problem = str(rows[0][0]).replace("*** in database main ***", "").strip()
        raise StoreUnusable(
            _("the store at {path} is damaged ({problem}); nothing was read from it").format(
                path=self.path, problem=problem.splitlines()[0] if problem else "?"
            ),
            hint=_("restore the file from a backup; nir cannot repair it (docs/data-model.md)"),
        )

    @contextmanager
    def write(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK on any error.

        With `commit=False` it always rolls back: a dry run that sees its own writes."""
        if self.read_only:
            raise PermissionDenied(
                _("the store at {path} is in a read-only location; nothing was changed").format(
                    path=self.path
                ),
                hint=_("copy it to a folder you can write, or ask for write access"),
            )
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise store_error(exc, self.path) from None
        try:
            yield self.conn
            if commit and self.before_commit is not None:
                self.before_commit(self)
            self.conn.execute("COMMIT" if commit else "ROLLBACK")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise store_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (a full disk, for one); a second
        # ROLLBACK would then replace the real error with "no transaction is active".
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [dict(row) for row in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def close(self) -> None:
        self.conn.close()
