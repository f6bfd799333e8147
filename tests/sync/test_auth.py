"""nir auth: keyring (in memory, failing, hanging), token files, machine tokens."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from nir_cli.core import constants
from nir_cli.wire import Role
from tests.conftest import CliFn
from tests.registry.conftest import PASSWORD, Registry


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("the keyring is locked")

    set_password = get_password  # type: ignore[assignment]


class HangingKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(30)
        return None


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def install(backend: Any) -> Any:
        monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
        monkeypatch.setattr(keyring, "get_password", backend.get_password)
        monkeypatch.setattr(keyring, "set_password", backend.set_password)
        monkeypatch.setattr(keyring, "delete_password", backend.delete_password)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/test")
        return backend

    return install


@pytest.fixture
def office(cli: CliFn, live: Registry, monkeypatch: pytest.MonkeyPatch) -> CliFn:
    monkeypatch.delenv("NIR_TOKEN", raising=False)
    monkeypatch.delenv("NIR_TOKEN_FILE", raising=False)
    live.add_user("5001-BJO", "5001", Role.SUPERUSER)
    assert cli("--profile", "test", "init", "-m", "5001", "--registry", live.url).exit_code == 0
    return cli


def test_login_keeps_the_token_in_the_keyring_only_after_acceptance(
    office: CliFn, use_keyring: Any
) -> None:
    memory = use_keyring(MemoryKeyring())
    wrong = office("auth", "login", "-u", "5001-BJO", "--password-stdin", input="nope\n")
    assert wrong.exit_code == 4
    assert memory.items == {}
    ok = office("auth", "login", "-u", "5001-BJO", "--password-stdin", input=PASSWORD + "\n")
    assert ok.exit_code == 0, ok.stderr
    assert len(memory.items) == 1
    token = next(iter(memory.items.values()))
    status = office("auth", "status", "--format", "json")
    data = json.loads(status.stdout)
    assert (data["username"], data["token_source"]) == ("5001-BJO", "keyring")
    assert token not in status.stdout
    assert office("auth", "token").stdout.strip() == token
    assert office("auth", "logout").exit_code == 0
    assert memory.items == {}
    assert office("auth", "status").exit_code == 4


def test_a_failing_keyring_says_what_to_do_instead(office: CliFn, use_keyring: Any) -> None:
    use_keyring(BrokenKeyring())
    result = office("auth", "login", "-u", "5001-BJO", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 78
    assert "the keyring failed to read the token" in result.stderr
    assert "--save-to FILE" in result.stderr


def test_the_keyring_is_checked_before_the_password_is_asked(
    office: CliFn, use_keyring: Any
) -> None:
    use_keyring(BrokenKeyring())
    result = office("auth", "login", input="")  # no username, no password given
    assert result.exit_code == 78
    assert "Username" not in result.stdout + result.stderr
    assert "Password" not in result.stdout + result.stderr


def test_a_hanging_keyring_is_given_up_on_in_bounded_time(
    office: CliFn, use_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keyring(HangingKeyring())
    monkeypatch.setattr(constants, "KEYRING_TIMEOUT", 0.3)
    start = time.monotonic()
    result = office("auth", "status")
    assert time.monotonic() - start < 5
    assert result.exit_code == 4
    assert "did not answer within 0.3 s" in result.stderr


def test_no_session_bus_skips_a_desktop_keyring(
    office: CliFn, monkeypatch: pytest.MonkeyPatch, use_keyring: Any
) -> None:
    class SecretServiceLike(MemoryKeyring):
        pass

    SecretServiceLike.__module__ = "keyring.backends.SecretService"
    use_keyring(SecretServiceLike())
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    result = office("auth", "status")
    assert result.exit_code == 4
    assert "no desktop keyring here to read the token" in result.stderr


def test_a_machine_without_any_keyring_is_told_so_in_our_words(
    office: CliFn, use_keyring: Any
) -> None:
    class NoKeyring(MemoryKeyring):
        pass

    NoKeyring.__module__ = "keyring.backends.fail"
    use_keyring(NoKeyring())
    result = office("auth", "status")
    assert result.exit_code == 4
    assert "no desktop keyring here to read the token" in result.stderr
    assert "--save-to" in result.stderr  # the way round it
    assert "keyrings.alt" not in result.stderr


def test_save_to_and_token_files(office: CliFn, tmp_path: Path) -> None:
    path = tmp_path / "token"
    result = office(
        "auth",
        "login",
        "-u",
        "5001-BJO",
        "--password-stdin",
        "--save-to",
        str(path),
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.stderr
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    status = json.loads(
        office("--token-file", str(path), "auth", "status", "--format", "json").stdout
    )
    assert status["token_source"] == f"token file {path}"
    os.chmod(path, 0o644)
    refused = office("--token-file", str(path), "auth", "status")
    assert refused.exit_code == 77
    assert "mode 0644; it must be 0600" in refused.stderr


def test_machine_tokens_for_cron(office: CliFn, tmp_path: Path, live: Registry) -> None:
    session = tmp_path / "session"
    office(
        "auth",
        "login",
        "-u",
        "5001-BJO",
        "--password-stdin",
        "--save-to",
        str(session),
        input=PASSWORD + "\n",
    )
    nightly = tmp_path / "nightly.token"
    made = office(
        "--token-file",
        str(session),
        "auth",
        "machine-token",
        "nightly",
        "--output",
        str(nightly),
        "--days",
        "30",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.stderr
    assert oct(nightly.stat().st_mode & 0o777) == "0o600"
    assert office("--token-file", str(nightly), "sync").exit_code == 0


def test_users_administration(office: CliFn, tmp_path: Path) -> None:
    session = tmp_path / "session"
    office(
        "auth",
        "login",
        "-u",
        "5001-BJO",
        "--password-stdin",
        "--save-to",
        str(session),
        input=PASSWORD + "\n",
    )
    run = lambda *args, **kw: office("--token-file", str(session), "users", *args, **kw)  # noqa: E731
    added = run(
        "add",
        "5001-KARI",
        "--role",
        "user",
        "--place",
        "Sentrum",
        "--password-stdin",
        "--format",
        "json",
        input="long-enough-1\n",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["municipality"] == "5001"
    names = [u["username"] for u in json.loads(run("list", "--format", "json").stdout)]
    assert names == ["5001-BJO", "5001-KARI"]
    assert json.loads(run("disable", "5001-KARI", "--format", "json").stdout)["disabled"]
    assert (
        run("reset-password", "5001-KARI", "--password-stdin", input="another-long-1\n").exit_code
        == 0
    )
    assert run("disable", "0301-NOBODY").exit_code == 66  # does not exist
