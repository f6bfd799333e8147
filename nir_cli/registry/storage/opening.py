"""Which database a registry location names: a `postgresql://` URL, or a SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nir_cli.registry.storage.interface import Storage

from nir_cli.registry.storage.location import is_postgres, redacted

__all__ = ["is_postgres", "open_storage", "redacted"]


def open_storage(location: str | Path, *, background_checkpoints: bool = False) -> Storage:
    """The registry's storage at `location`, migrated: PostgreSQL for a URL (psycopg and its
    pool: `pip install 'nir-cli[postgres]'`), else the SQLite file at that path."""
    if "://" in str(location) and not is_postgres(location):
        from nir_cli.core.errors import ConfigError
        from nir_cli.core.i18n import _

        raise ConfigError(
            _("{location}: the registry keeps its data in a SQLite file or in PostgreSQL").format(
                location=redacted(location)
            ),
            hint=_("give a file path, or a postgresql:// URL"),
        )
    if is_postgres(location):
        from nir_cli.registry.storage.postgres import PostgresStorage

        return PostgresStorage(str(location))
    from nir_cli.registry.storage.db import RegistryDB

    return RegistryDB(Path(location), background_checkpoints=background_checkpoints)
