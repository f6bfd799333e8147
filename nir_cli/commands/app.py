"""The application object in `ctx.obj`: config, profile and store, each opened on first use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nir_cli.core import paths

if TYPE_CHECKING:
    import logging

    from nir_cli.core.config import Config, Profile
    from nir_cli.credentials import Credentials
    from nir_cli.domain.model import Checks
    from nir_cli.register import Register
    from nir_cli.store import Store
    from nir_cli.sync.client import RegistryClient
    from nir_cli.sync.credentials import Token


def _log() -> logging.Logger:
    import logging

    return logging.getLogger(__name__)


class App:
    """What every command may need; nothing is read or opened until asked for.

    A plain class, not a dataclass: `nir --help` builds it, and a dataclass costs start-up
    (the module, and its generated methods compiled at import)."""

    def __init__(
        self,
        profile_name: str | None = None,
        db_path: Path | None = None,
        quiet: bool = False,
        verbose: bool = False,
        debug: bool = False,
        token_file: Path | None = None,
        ca_bundle: str | None = None,
        language: str | None = None,
    ) -> None:
        self.profile_name = profile_name
        self.db_path = db_path
        self.quiet = quiet
        self.verbose = verbose
        self.debug = debug
        self.token_file = token_file
        self.ca_bundle = ca_bundle
        self.language = language  # "nb" or "en", as --lang gave it (i18n holds the one in use)
        # Told of each retry of a registry request (the command layer shows it on a terminal).
        self.on_retry: Callable[[str, int, int, float], None] | None = None
        self._config: Config | None = None
        self._store: Store | None = None
        # The lapsed facts of the law this run has told of (commands.options.law_lapsed).
        self.said_lapsed: set[str] = set()

    @property
    def config(self) -> Config:
        if self._config is None:
            from nir_cli.core import config as config_module

            self._config = config_module.load()
        return self._config

    @property
    def profile(self) -> Profile:
        return self.config.get(self.profile_name)

    def store_path(self) -> Path:
        return self.db_path or paths.store_path(self.profile.name)

    def open_store_path(self) -> Path | None:
        """The path of the store this command opened, if it opened one."""
        return self._store.path if self._store is not None else None

    @property
    def store(self) -> Store:
        if self._store is None:
            from nir_cli.register import Register

            # Never create: only nir init and the sandbox do (a missing store is exit 78).
            self._store = Register.open_store(self.store_path())
            _log().info("store %s", self._store.path)
        return self._store

    def registry_url(self) -> str:
        url = self.profile.registry_url
        if not url:
            from nir_cli.core.errors import ConfigError
            from nir_cli.core.i18n import _

            raise ConfigError(
                _("profile {name!r} has no registry URL").format(name=self.profile.name),
                hint=_(
                    "set one: nir --profile {name} init -m {municipality} --registry URL --replace"
                ).format(name=self.profile.name, municipality=self.profile.municipality),
            )
        return url

    def credentials(self) -> Credentials:
        """Where this profile keeps its token for its registry."""
        from nir_cli.register import Register

        return Register.credentials(self.profile, self.registry_url())

    def token(self) -> Token:
        return self.credentials().find(self.token_file)

    def client(self, *, authenticated: bool = True) -> RegistryClient:
        """The registry client for this profile, with the token when asked for."""
        from nir_cli.register import Register

        token = self.token() if authenticated else None
        _log().info(
            "registry %s, %s",
            self.registry_url(),
            f"token from {token.source}" if token else "no token",
        )
        client = Register.registry_client(
            self.registry_url(), token.value if token else None, ca_bundle=self.ca_bundle
        )
        client.on_retry = self.on_retry
        return client

    def checks(
        self,
        *,
        accept_unchecked_duf: bool = False,
        accept_implausible: bool = False,
        today: dt.date | None = None,
    ) -> Checks:
        from nir_cli.register import Register

        return Register.checks_for(
            self.profile,
            accept_unchecked_duf=accept_unchecked_duf,
            accept_implausible=accept_implausible,
            today=today,
        )

    def register(
        self, *, accept_unchecked_duf: bool = False, accept_implausible: bool = False
    ) -> Register:
        """The Python API's Register over this command's store and profile: the commands
        are a thin layer over it."""
        from nir_cli.register import Register  # lazy: `nir --help` loads no pydantic

        return Register.around(
            self.store,
            self.profile,
            accept_unchecked_duf=accept_unchecked_duf,
            accept_implausible=accept_implausible,
        )

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
