"""The registry's storage on SQLite: the database and its connections (`db`), a batch's records
(`records`), users and tokens (`accounts`). Every SQL statement of the registry lives here."""

from nir_cli.registry.storage.db import (
    CHECKPOINT_SAFETY_PAGES,
    IdempotencyMismatch,
    Prepared,
    RegistryDB,
    Scoped,
    now,
)

__all__ = [
    "CHECKPOINT_SAFETY_PAGES",
    "IdempotencyMismatch",
    "Prepared",
    "RegistryDB",
    "Scoped",
    "now",
]
