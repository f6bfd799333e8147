"""Which database a registry location names: a `postgresql://` URL, or a SQLite file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nir_cli.registry.storage.interface import Storage

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def redacted(location: str | Path) -> str:
    """The location without a password (`postgresql://nir:***@db/nir`), for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(location))


def open_storage(location: str | Path, *, background_checkpoints: bool = False) -> Storage:
    """The registry's storage at `location`, migrated: PostgreSQL for a URL (psycopg and its
    pool: `pip install 'nir-cli[postgres]'`), else the SQLite file at that path."""
    if is_postgres(location):
        from nir_cli.registry.storage.postgres import PostgresStorage

        return PostgresStorage(str(location))
    from nir_cli.registry.storage.db import RegistryDB

    return RegistryDB(Path(location), background_checkpoints=background_checkpoints)
