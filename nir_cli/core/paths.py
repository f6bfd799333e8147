"""Where nir keeps its config and data: platformdirs, or everything under NIR_HOME."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "nir"


def home_override() -> Path | None:
    """NIR_HOME, when set, holds config and data (tests, portable installs)."""
    value = os.environ.get("NIR_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The folder of config.toml."""
    home = home_override()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The folder of the per-profile SQLite stores."""
    home = home_override()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def store_path(profile: str) -> Path:
    """The SQLite file of one profile."""
    return data_dir() / f"{profile}.db"
