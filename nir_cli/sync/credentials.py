"""Where the registry token comes from, in this order: a token file (--token-file or
NIR_TOKEN_FILE, refused unless mode 0600), NIR_TOKEN, the system keyring.

Keyring calls run in a worker thread with a timeout, and are skipped where no session bus
exists (cron, SSH without a desktop), with a message naming the token-file alternative. There
is no plaintext fallback: a token is only ever written to a file the user named.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from nir_cli.core import constants
from nir_cli.core.errors import ConfigError, NotLoggedIn, PermissionDenied
from nir_cli.core.i18n import N_, _
from nir_cli.core.portable import desktop_bus, token_file_problem

SERVICE = "nir"
T = TypeVar("T")
ALTERNATIVE = N_(
    "use a token file instead: nir auth login --save-to FILE, then --token-file FILE or "
    "NIR_TOKEN_FILE=FILE; for cron: nir auth machine-token NAME --output FILE"
)


@dataclass(frozen=True)
class _Failures:
    """What to say when a keyring call cannot be made, for one call (each a whole sentence):
    no keyring here, no answer within {seconds}, or it failed with {error}."""

    no_keyring: str
    no_answer: str
    failed: str


SAVE = _Failures(
    N_("no desktop keyring here to save the token"),
    N_("the keyring did not answer within {seconds} s to save the token"),
    N_("the keyring failed to save the token: {error}"),
)
READ = _Failures(
    N_("no desktop keyring here to read the token"),
    N_("the keyring did not answer within {seconds} s to read the token"),
    N_("the keyring failed to read the token: {error}"),
)
FORGET = _Failures(
    N_("no desktop keyring here to forget the token"),
    N_("the keyring did not answer within {seconds} s to forget the token"),
    N_("the keyring failed to forget the token: {error}"),
)


@dataclass(frozen=True)
class Token:
    value: str
    source: str  # "token file PATH", "NIR_TOKEN" or "keyring"


class KeyringUnavailable(ConfigError):
    pass


def _account(profile: str, registry_url: str) -> str:
    return f"{profile}@{registry_url}"


def _bounded(call: Callable[[], T], what: _Failures) -> T:
    """Run a keyring call with a timeout: a locked or hanging keyring must not hang cron."""
    import keyring

    backend = type(keyring.get_keyring()).__module__
    no_bus = not desktop_bus()
    # keyring's own "fail" backend is what a machine without any keyring gets: say so in our
    # words rather than pass on its advice to install packages.
    if backend.endswith(".fail") or (
        no_bus and ("SecretService" in backend or "kwallet" in backend.lower())
    ):
        raise KeyringUnavailable(_(what.no_keyring), hint=_(ALTERNATIVE))
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(constants.KEYRING_TIMEOUT)
    if worker.is_alive():
        raise KeyringUnavailable(
            _(what.no_answer).format(seconds=f"{constants.KEYRING_TIMEOUT:g}"),
            hint=_(ALTERNATIVE),
        )
    if "error" in result:
        error = result["error"]
        raise KeyringUnavailable(
            _(what.failed).format(error=f"{type(error).__name__}: {error}"),
            hint=_(ALTERNATIVE),
        )
    return cast(T, result.get("value"))


def keyring_store(profile: str, registry_url: str, token: str) -> None:
    import keyring

    _bounded(
        lambda: keyring.set_password(SERVICE, _account(profile, registry_url), token),
        SAVE,
    )


def keyring_load(profile: str, registry_url: str) -> str | None:
    import keyring

    value = _bounded(lambda: keyring.get_password(SERVICE, _account(profile, registry_url)), READ)
    return value if isinstance(value, str) else None


def keyring_delete(profile: str, registry_url: str) -> bool:
    import keyring
    from keyring.errors import PasswordDeleteError

    def delete() -> bool:
        try:
            keyring.delete_password(SERVICE, _account(profile, registry_url))
        except PasswordDeleteError:
            return False
        return True

    return bool(_bounded(delete, FORGET))


def read_token_file(path: Path) -> str:
    """A token file must be a regular file only its owner can read (POSIX: ours, mode 0600;
    Windows: under our profile, no broad group in its access list): anything looser is
    refused."""
    try:
        info = path.stat()
    except FileNotFoundError:
        # Not logged in (4), however the file was named: --token-file, NIR_TOKEN_FILE or the
        # profile's; a job's token expiring or vanishing is the same thing to cron.
        raise NotLoggedIn(
            _("token file {path} does not exist").format(path=path),
            hint=_(
                "make one: nir auth login --save-to {path}, or a machine token (docs/cron.md)"
            ).format(path=path),
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(_("token file {path} is not a regular file").format(path=path))
    problem = token_file_problem(path, info)
    if problem is not None:
        message, hint = problem
        raise PermissionDenied(message, hint=hint or None)
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise ConfigError(_("token file {path} is empty").format(path=path))
    return token


def write_token_file(path: Path, token: str) -> None:
    """Write a token file whole, with mode 0600, never through a symbolic link."""
    from nir_cli.core.files import atomic_write

    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with atomic_write(path) as handle:
        handle.write(token + "\n")


def sandbox_token_file(profile: str) -> Path:
    """Where a sandbox profile keeps its token when the machine has no keyring."""
    from nir_cli.core import paths

    return paths.data_dir() / "sandbox" / f"{profile}.token"


def find_token(
    profile: str,
    registry_url: str,
    token_file: Path | None,
    sandbox: bool = False,
    profile_token_file: Path | None = None,
) -> Token:
    """The token to use, or NotLoggedIn naming the ways to get one: --token-file,
    NIR_TOKEN_FILE, NIR_TOKEN, the token file `nir auth login --save-to` recorded in the
    profile, then the keyring.

    A sandbox profile (a training registry on this machine) also looks in its own token file,
    which `nir auth login` writes there, saying so, when the machine has no keyring."""
    path = token_file or (
        Path(os.environ["NIR_TOKEN_FILE"]) if os.environ.get("NIR_TOKEN_FILE") else None
    )
    if path is not None:
        return Token(read_token_file(path), f"token file {path}")
    if os.environ.get("NIR_TOKEN"):
        return Token(os.environ["NIR_TOKEN"].strip(), "NIR_TOKEN")
    if profile_token_file is not None:
        if not profile_token_file.exists():
            raise NotLoggedIn(
                _("the token file the profile names, {path}, is gone").format(
                    path=profile_token_file
                ),
                hint=_("log in again: nir auth login --save-to {path}").format(
                    path=profile_token_file
                ),
            )
        return Token(read_token_file(profile_token_file), f"token file {profile_token_file}")
    if sandbox and sandbox_token_file(profile).exists():
        path = sandbox_token_file(profile)
        return Token(read_token_file(path), f"sandbox token file {path}")
    try:
        value = keyring_load(profile, registry_url)
    except KeyringUnavailable as exc:
        if sandbox:  # a sandbox login lives in its token file; after a reset it is gone
            raise NotLoggedIn(
                _("not logged in to the sandbox registry (nir sandbox reset forgets logins)"),
                hint=_("log in again: nir --profile {profile} auth login").format(profile=profile),
            ) from None
        raise NotLoggedIn(
            _("not logged in: {reason}").format(reason=exc.message), hint=_(ALTERNATIVE)
        ) from None
    if value:
        return Token(value, "keyring")
    raise NotLoggedIn(
        _("not logged in to the registry"),
        hint=_("log in with: nir auth login (or give a token file or NIR_TOKEN)"),
    )
