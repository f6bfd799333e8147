"""Creating profiles (`nir init`): validated settings, the config entry and the empty store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from nir_cli import config as config_module
from nir_cli import paths
from nir_cli.config import Environment, Profile
from nir_cli.domain.municipalities import MunicipalityError, lookup
from nir_cli.errors import ConfigError, FieldProblem
from nir_cli.i18n import _

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
    if config.default_profile is None:
        config.default_profile = name
    config_module.save(config)

    from nir_cli.store import Store

    path = store_path or paths.store_path(name)
    Store.open(path, create=True).close()
    return InitResult(profile, path, created, config.default_profile == name)
