"""What `nir --version` says: the release, and the versions of what it reads and writes (the
store's schema, the registry's API and schemas), read from the migrations it carries, so the
answer cannot drift from the code. Imports nothing heavy: `nir --version` stays fast."""

from __future__ import annotations

import platform
import re
import sys
from importlib import resources

from nir_cli import __version__
from nir_cli.core.constants import API_VERSION

_MIGRATION = re.compile(r"^\d{4}_[a-z0-9_]+\.sql$")


def schema_version(*folder: str) -> int:
    """The newest schema a migrations folder of the package makes (numbered 1..N). Read as
    files, not imported: importing `nir_cli.store` would open SQLite at start-up."""
    where = resources.files("nir_cli").joinpath(*folder)
    return sum(1 for entry in where.iterdir() if _MIGRATION.match(entry.name))


def describe() -> str:
    from nir_cli.core.i18n import _

    store = schema_version("store", "migrations")
    registry = schema_version("registry", "migrations")
    postgres = schema_version("registry", "migrations_pg")
    return "\n".join(
        [
            f"nir {__version__}",
            _(
                "store schema {n} (older stores are upgraded when opened; newer ones refused)"
            ).format(n=store),
            _("registry API {api}; registry schema {sqlite} (SQLite), {pg} (PostgreSQL)").format(
                api=API_VERSION, sqlite=registry, pg=postgres
            ),
            f"Python {platform.python_version()} ({sys.platform})",
        ]
    )
