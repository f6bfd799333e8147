"""A profile's registry token, for the Python API and the command line
(`Register.credentials(profile, url)`): where it is kept, found, and forgotten."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nir_cli.core import config
from nir_cli.core.config import Environment, Profile

if TYPE_CHECKING:
    from nir_cli.sync.credentials import Token


class Credentials:
    """A profile's registry token, wherever it is kept: a token file (`--token-file`,
    NIR_TOKEN_FILE, the one the profile names), NIR_TOKEN, the system keyring, or for a
    sandbox profile on a machine without a keyring the sandbox's own token file
    (nir_cli.sync.credentials has the rules and the checks)."""

    def __init__(self, profile: Profile, registry_url: str) -> None:
        self.profile = profile
        self.registry_url = registry_url

    @property
    def sandbox(self) -> bool:
        return self.profile.environment is Environment.SANDBOX

    def find(self, token_file: Path | None = None) -> Token:
        """The token to use, or NotLoggedIn naming the ways to get one."""
        from nir_cli.sync.credentials import find_token

        recorded = Path(self.profile.token_file) if self.profile.token_file else None
        return find_token(self.profile.name, self.registry_url, token_file, self.sandbox, recorded)

    def check_keyring(self) -> None:
        """KeyringUnavailable before a password is typed, when the token could not be kept
        afterwards (a sandbox profile keeps its own file instead)."""
        from nir_cli.sync.credentials import KeyringUnavailable, keyring_load

        try:
            keyring_load(self.profile.name, self.registry_url)
        except KeyringUnavailable:
            if not self.sandbox:
                raise

    def keep(self, token: str) -> Path | None:
        """Keep a token: in the keyring (None), or for a sandbox profile on a machine without
        one in the sandbox's token file (its path)."""
        from nir_cli.sync.credentials import (
            KeyringUnavailable,
            keyring_store,
            sandbox_token_file,
            write_token_file,
        )

        try:
            keyring_store(self.profile.name, self.registry_url, token)
            return None
        except KeyringUnavailable:
            if not self.sandbox:
                raise
        path = sandbox_token_file(self.profile.name)
        write_token_file(path, token)
        return path

    @staticmethod
    def save_file(path: Path, token: str) -> None:
        """A token file, written whole, mode 0600, never through a link."""
        from nir_cli.sync.credentials import write_token_file

        write_token_file(path, token)

    def record_file(self, path: Path | None) -> None:
        """The profile names the token file later commands use (None: forget it)."""
        found = config.load()
        found.profiles[self.profile.name].token_file = str(path) if path else None
        config.save(found)

    def forget(self) -> bool:
        """Forget the token here: the sandbox's file, the file the profile names, the
        keyring's entry; whether there was one (KeyringUnavailable when there was none and
        no keyring to look in)."""
        from nir_cli.sync.credentials import KeyringUnavailable, keyring_delete, sandbox_token_file

        sandbox_file = sandbox_token_file(self.profile.name)
        forgot = sandbox_file.exists()
        sandbox_file.unlink(missing_ok=True)
        if self.profile.token_file:  # the file login --save-to wrote holds a revoked token now
            Path(self.profile.token_file).unlink(missing_ok=True)
            self.record_file(None)
            forgot = True
        try:
            forgot = keyring_delete(self.profile.name, self.registry_url) or forgot
        except KeyringUnavailable:
            if not forgot:
                raise
        return forgot
