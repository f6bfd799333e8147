"""The register's store: a profile's SQLite file (nir_cli.core.sqlite_file) with the register's
migrations, the SQL functions the rules call, and the hook its openers give it."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3

from nir_cli.core.sqlite_file import (
    FOREIGN_KEYS_OFF,
    MIGRATION_NAME,
    SQLiteFile,
    _statements,
    store_error,
    utc_now,
)
from nir_cli.core.sqlite_file import migrations as _migrations

__all__ = [
    "FOREIGN_KEYS_OFF",
    "LOCAL_MIGRATIONS",
    "MIGRATION_NAME",
    "ChangedMeanwhile",
    "Store",
    "_statements",
    "migrations",
    "register_functions",
    "store_error",
    "utc_now",
]

LOCAL_MIGRATIONS = "nir_cli.store.migrations"


def migrations(package: str = LOCAL_MIGRATIONS) -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration of the register's store (or of `package`)."""
    return _migrations(package)


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


class ChangedMeanwhile(Exception):
    """Another writer made a newer version first (optimistic check on the version number)."""


class Store(SQLiteFile):
    """One profile's SQLite file. Reads go straight through; writes use `with store.write()`."""

    MIGRATIONS = LOCAL_MIGRATIONS

    def _on_connect(self) -> None:
        register_functions(self.conn)
