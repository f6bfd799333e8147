"""A registry's location, read: a `postgresql://` URL or a SQLite file path."""

from __future__ import annotations

import re
from pathlib import Path

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


def redacted(location: str | Path) -> str:
    """The location without a password (`postgresql://nir:***@db/nir`, `password=***`), for
    messages."""
    text = re.sub(r"(://[^:/@\[\]]+):[^@]*@", r"\1:***@", str(location))
    return re.sub(r"(password=)[^&\s\"']*", r"\1***", text, flags=re.IGNORECASE)
