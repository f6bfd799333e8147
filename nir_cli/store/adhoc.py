"""Ad-hoc, read-only questions to a store (`nir sql`), through sqlite-utils.

The connection is opened read-only by SQLite itself (`mode=ro`, and `PRAGMA query_only`), not
by looking at the SQL text: no statement can change the store, whatever it says. The domain's
SQL functions (nir_add_months, nir_mask, ...) are there as in the store, and so are the views
for the common questions (current_persons, current_registrations, target_group).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nir_cli.core.errors import InvalidData
from nir_cli.core.i18n import _
from nir_cli.store.db import Store, register_functions

VIEWS = ("current_persons", "current_registrations", "target_group")


@dataclass(frozen=True)
class Relation:
    name: str
    kind: str  # "table" or "view"
    rows: int
    columns: str


@contextmanager
def read_only(path: Path) -> Iterator[Any]:
    """A sqlite-utils Database over a read-only connection to the store at `path` (checked and
    brought up to date first, as every command does)."""
    import sqlite_utils

    Store.open(path).close()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA query_only = ON")
        register_functions(conn)
        yield sqlite_utils.Database(conn)
    finally:
        conn.close()


def query(path: Path, sql: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of one read-only query, as dicts; named parameters as `:name`."""
    with read_only(path) as db:
        try:
            return list(db.query(sql, params))
        except sqlite3.Error as exc:
            text = str(exc)
            if "readonly" in text or "query_only" in text or "read-only" in text:
                raise InvalidData(_("nir sql only reads: the store was not changed")) from None
            raise InvalidData(f"SQL: {text}") from None
        except sqlite3.Warning as exc:  # more than one statement
            raise InvalidData(f"SQL: {exc}") from None


def relations(path: Path) -> list[Relation]:
    """Every table and view with its row count and columns (the store's own bookkeeping
    tables included: they are documented in docs/data-model.md)."""
    with read_only(path) as db:
        found = [
            Relation(name, kind, db[name].count, ", ".join(c.name for c in db[name].columns))
            for kind, names in (("table", db.table_names()), ("view", db.view_names()))
            for name in names
            if not name.startswith("sqlite_")
        ]
    return sorted(found, key=lambda r: (r.kind != "view", r.name))


def schema(path: Path) -> str:
    """The CREATE statements of every table, view and index."""
    with read_only(path) as db:
        return str(db.schema)
