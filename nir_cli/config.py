"""Profiles: which municipality, place and registry a store belongs to.

The config file is TOML (`config.toml` in the config folder), read with tomllib and written
atomically (temporary file, fsync, rename) so a crash never leaves half a file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from nir_cli import paths
from nir_cli.errors import ConfigError, UsageError

PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Environment(StrEnum):
    """What a profile is for; synthetic personal numbers are refused in production."""

    PRODUCTION = "production"
    TEST = "test"
    SANDBOX = "sandbox"


@dataclass
class Profile:
    name: str
    municipalities: list[str]
    place: str | None = None
    registry_url: str | None = None
    environment: Environment = Environment.PRODUCTION
    # The token file `nir auth login --save-to` wrote, found by later commands without a flag.
    token_file: str | None = None
    # `--format csv` writes Excel's dialect (`;`, BOM, CRLF, decimal comma, dd.mm.yyyy).
    excel: bool = False

    @property
    def municipality(self) -> str:
        """The profile's first (home) municipality."""
        return self.municipalities[0]

    @property
    def allows_synthetic(self) -> bool:
        return self.environment is not Environment.PRODUCTION


@dataclass
class Config:
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)

    def get(self, name: str | None) -> Profile:
        """The named profile, or the default one; ConfigError when there is none."""
        wanted = name or self.default_profile
        if wanted is None:
            raise ConfigError(
                "no profile yet", hint="create one with: nir init --municipality CODE"
            )
        try:
            return self.profiles[wanted]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(
                f"no profile named {wanted!r} (known: {known})",
                hint=f"create it with: nir --profile {wanted} init --municipality CODE",
            ) from None


def check_profile_name(name: str) -> str:
    if not PROFILE_NAME.match(name):
        raise UsageError(
            f"invalid profile name {name!r}: use letters, digits, '.', '_' or '-' (max 64)"
        )
    return name


def load(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = path or paths.config_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot read config: {exc}", hint="fix or remove the file"
        ) from None
    try:
        profiles = {
            name: Profile(
                name=name,
                municipalities=[str(m) for m in body["municipalities"]],
                place=body.get("place"),
                registry_url=body.get("registry_url"),
                environment=Environment(body.get("environment", "production")),
                token_file=body.get("token_file"),
                excel=bool(body.get("excel", False)),
            )
            for name, body in raw.get("profiles", {}).items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{path}: invalid profile entry: {exc}", hint="fix or remove the file"
        ) from None
    return Config(default_profile=raw.get("default_profile"), profiles=profiles)


def dumps(config: Config) -> str:
    """Serialise a config as TOML; tomli-w escapes whatever a value holds (tabs, quotes,
    control characters), so any value read back is the value written."""
    import tomli_w

    body: dict[str, object] = {}
    if config.default_profile:
        body["default_profile"] = config.default_profile
    profiles: dict[str, dict[str, object]] = {}
    for name, profile in sorted(config.profiles.items()):
        entry: dict[str, object] = {"municipalities": list(profile.municipalities)}
        if profile.place:
            entry["place"] = profile.place
        if profile.registry_url:
            entry["registry_url"] = profile.registry_url
        entry["environment"] = profile.environment.value
        if profile.token_file:
            entry["token_file"] = profile.token_file
        if profile.excel:
            entry["excel"] = True
        profiles[name] = entry
    body["profiles"] = profiles
    return "# nir profiles; edit with care or use `nir init`.\n" + tomli_w.dumps(body)


def save(config: Config, path: Path | None = None) -> Path:
    """Write the config whole or not at all, with mode 0600."""
    from nir_cli.files import atomic_write

    path = path or paths.config_file()
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with atomic_write(path) as handle:
        handle.write(dumps(config))
    return path
