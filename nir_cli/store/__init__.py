"""The local SQLite store: one file per profile, WAL mode, numbered migrations."""

from nir_cli.store.db import Store, utc_now

__all__ = ["Store", "utc_now"]
