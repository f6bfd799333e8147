"""Creating profiles (`nir init`): validated settings, the config entry and the empty store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from nir_cli.core import config as config_module
from nir_cli.core import paths
from nir_cli.core.config import Environment, Profile
from nir_cli.core.errors import ConfigError, FieldProblem
from nir_cli.core.i18n import _
from nir_cli.domain.municipalities import MunicipalityError, lookup

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_registry_url(url: str) -> str:
    """https, or plain http on loopback only (the sandbox): credentials never travel in clear."""
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return url.rstrip("/")
    if parsed.scheme == "http" and parsed.hostname in LOOPBACK_HOSTS:
        return url.rstrip("/")
    raise FieldProblem(
        "registry",
        _("{url!r} must be an https:// URL (http:// only on 127.0.0.1 or localhost)").format(
            url=url
        ),
    )


def _takes_the_default(config: config_module.Config, profile: Profile) -> bool:
    """The first profile becomes the default; the first real one takes it from the sandbox,
    which never stays the default of a municipality's own work."""
    current = config.profiles.get(config.default_profile or "")
    if current is None:
        return True
    return (
        current.environment is Environment.SANDBOX
        and profile.environment is not Environment.SANDBOX
    )


def profiles() -> list[dict[str, object]]:
    """Every profile, the default marked, for `nir profile list`."""
    config = config_module.load()
    return [
        {
            "name": p.name,
            "default": p.name == config.default_profile,
            "environment": p.environment.value,
            "municipalities": ", ".join(p.municipalities),
            "place": p.place,
            "registry_url": p.registry_url,
            "store": str(paths.store_path(p.name)),
        }
        for p in sorted(config.profiles.values(), key=lambda p: p.name)
    ]


def use(name: str) -> Profile:
    """Make profile `name` the default; ConfigError naming the profiles when it does not
    exist."""
    config = config_module.load()
    profile = config.get(name)
    config.default_profile = profile.name
    config_module.save(config)
    return profile


@dataclass(frozen=True)
class InitResult:
    profile: Profile
    store_path: Path
    created: bool
    is_default: bool


def init_profile(
    name: str,
    municipalities: list[str],
    place: str | None,
    registry_url: str | None,
    environment: Environment | None,
    store_path: Path | None = None,
    replace: bool = False,
    excel: bool | None = None,
    language: str | None = None,
) -> InitResult:
    """Create (or with `replace`, update) a profile and its store; the same again is a no-op."""
    config_module.check_profile_name(name)
    codes = []
    for code in municipalities:
        try:
            codes.append(lookup(code).code)
        except MunicipalityError as exc:
            raise FieldProblem("municipality", str(exc)) from None
    if environment is None:
        environment = (
            Environment(name) if name in {e.value for e in Environment} else Environment.PRODUCTION
        )
    profile = Profile(
        name=name,
        municipalities=list(dict.fromkeys(codes)),
        place=place or None,
        registry_url=check_registry_url(registry_url) if registry_url else None,
        environment=environment,
    )
    config = config_module.load()
    existing = config.profiles.get(name)
    # Settings init does not ask for stay as they were: the token file login recorded, and
    # the Excel default unless --excel/--no-excel says otherwise.
    if existing is not None:
        profile.token_file = existing.token_file
        profile.excel = existing.excel
        profile.language = existing.language
    if excel is not None:
        profile.excel = excel
    if language is not None:
        profile.language = language
    created = existing is None
    if existing is not None and existing != profile and not replace:
        raise ConfigError(
            _("profile {name!r} exists with other settings").format(name=name),
            hint=_("pass --replace to update it, or choose another --profile"),
        )
    if existing != profile:
        config.profiles[name] = profile
    if _takes_the_default(config, profile):
        config.default_profile = name
    config_module.save(config)

    from nir_cli.services.stores import open_store

    path = store_path or paths.store_path(name)
    open_store(path, create=True).close()
    return InitResult(profile, path, created, config.default_profile == name)
