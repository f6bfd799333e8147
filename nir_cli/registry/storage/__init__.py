"""The registry's storage: SQLite (`db`, `records`, `accounts`), the embedded default, and
PostgreSQL (`postgres`), both behind `interface`; `open_storage` picks one by its location.
Every SQL statement of the registry lives here."""

from nir_cli.registry.plan import IdempotencyMismatch, Prepared
from nir_cli.registry.storage.clock import now
from nir_cli.registry.storage.db import (
    CHECKPOINT_SAFETY_PAGES,
    RegistryDB,
    Scoped,
)
from nir_cli.registry.storage.opening import is_postgres, open_storage

__all__ = [
    "CHECKPOINT_SAFETY_PAGES",
    "IdempotencyMismatch",
    "Prepared",
    "RegistryDB",
    "Scoped",
    "is_postgres",
    "now",
    "open_storage",
]
