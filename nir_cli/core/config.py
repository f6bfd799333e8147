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

from nir_cli.core import paths
from nir_cli.core.errors import ConfigError, UsageError
from nir_cli.core.i18n import _

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
    # The language nir speaks for this profile ("nb" or "en"); None follows the locale.
    language: str | None = None

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
                _("no profile yet"), hint=_("create one with: nir init --municipality CODE")
            )
        try:
            return self.profiles[wanted]
        except KeyError:
            if self.profiles:
                message = _("no profile named {name!r} (known: {known})").format(
                    name=wanted, known=", ".join(sorted(self.profiles))
                )
            else:
                message = _("no profile named {name!r} (known: none)").format(name=wanted)
            raise ConfigError(
                message,
                hint=_("create it with: nir --profile {name} init --municipality CODE").format(
                    name=wanted
                ),
            ) from None


def check_profile_name(name: str) -> str:
    if not PROFILE_NAME.match(name):
        raise UsageError(
            _(
                "invalid profile name {name!r}: use letters, digits, '.', '_' or '-' (max 64)"
            ).format(name=name)
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
            _("{path}: cannot read config: {error}").format(path=path, error=exc),
            hint=_("fix or remove the file"),
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
                language=_language(body.get("language")),
            )
            for name, body in raw.get("profiles", {}).items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            _("{path}: invalid profile entry: {error}").format(path=path, error=exc),
            hint=_("fix or remove the file"),
        ) from None
    return Config(default_profile=raw.get("default_profile"), profiles=profiles)


def _language(value: object) -> str | None:
    from nir_cli.core import i18n

    if value is None:
        return None
    lang = i18n.parse_language(str(value))
    if lang is None:
        raise ValueError(_("language must be nb or en, not {value!r}").format(value=value))
    return lang


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
        if profile.language:
            entry["language"] = profile.language
        profiles[name] = entry
    body["profiles"] = profiles
    return "# nir profiles; edit with care or use `nir init`.\n" + tomli_w.dumps(body)


def save(config: Config, path: Path | None = None) -> Path:
    """Write the config whole or not at all, with mode 0600."""
    from nir_cli.core.files import atomic_write

    path = path or paths.config_file()
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with atomic_write(path) as handle:
        handle.write(dumps(config))
    return path
