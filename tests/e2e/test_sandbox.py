"""The newcomer's first ten minutes, as a real subprocess: the demo, then the sandbox."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

NIR = shutil.which("nir") or ""
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not NIR, reason="nir not installed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def nir(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
        "NIR_HOME": str(tmp_path / "home"),
    }

    def run(
        *args: str, stdin: str | None = None, extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [NIR, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, **(extra or {})},
        )

    return run


def test_demo_walks_through_and_leaves_nothing(nir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = nir("sandbox", "demo")
    assert result.returncode == 0, result.stderr
    for expected in (
        "$ nir import deltakere.csv",
        "$ nir missing",
        "$ nir sync",
        "accepted",
        "$ nir status",
        "left nothing behind",
    ):
        assert expected in result.stdout + result.stderr
    assert not (tmp_path / "home").exists()  # the user's own profiles were never touched


@pytest.fixture
def sandbox(nir) -> Iterator[tuple[object, int]]:  # type: ignore[no-untyped-def]
    port = free_port()
    started = nir("sandbox", "start", "--port", str(port))
    assert started.returncode == 0, started.stderr
    try:
        yield nir, port
    finally:
        nir("sandbox", "stop")


def test_the_sandbox_as_a_newcomer_uses_it(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nir, port = sandbox
    again = nir("sandbox", "start", "--port", str(port))
    assert again.returncode == 0
    assert "already running" in again.stderr
    status = json.loads(nir("sandbox", "status", "--format", "json").stdout)
    assert status["running"] is True
    token = tmp_path / "token"
    login = nir(
        "--profile",
        "sandbox",
        "auth",
        "login",
        "--username",
        "5001-BJO",
        "--password-stdin",
        "--save-to",
        str(token),
        stdin="test1234\n",
    )
    assert login.returncode == 0, login.stderr
    with_token = {"NIR_TOKEN_FILE": str(token)}
    missing = nir("--profile", "sandbox", "missing", "--format", "json")
    assert missing.returncode == 0
    assert len(json.loads(missing.stdout)) >= 5
    person = nir("--profile", "sandbox", "person", "show", "201212345603", "--format", "json")
    assert json.loads(person.stdout)["first_name"] == "Kari"
    overdue = json.loads(nir("--profile", "sandbox", "overdue", "--format", "json").stdout)
    assert overdue
    synced = nir("--profile", "sandbox", "sync", "--format", "json", extra=with_token)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["accepted"] > 0
    reset = nir("sandbox", "reset")
    assert reset.returncode == 0, reset.stderr
    pending = json.loads(nir("--profile", "sandbox", "status", "--format", "json").stdout)
    assert pending["pending"] > 0  # the seeded state: some work not yet sent


def test_a_port_in_use_is_a_clear_error(nir) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = nir("sandbox", "start", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} is in use" in result.stderr
