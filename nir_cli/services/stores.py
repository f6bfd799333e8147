"""Opening the register's store: the one door through which the services, the Python API,
the command line and the sandbox open a profile's SQLite file, so every write they make keeps
the findings of `nir missing` current before it commits (nir_cli.rules.kept.keep_current)."""

from __future__ import annotations

from pathlib import Path

from nir_cli.rules.kept import keep_current
from nir_cli.store import Store


def open_store(path: Path, *, create: bool = False) -> Store:
    """A profile's store, migrated, with its findings kept current by every write."""
    return Store.open(path, create=create, before_commit=keep_current)
