"""`nir sandbox demo`: the main job in two minutes, on an embedded registry.

A registry runs in this process on an ephemeral loopback port, everything else under a
temporary folder; each step runs the real `nir` command and shows it with its output. When it
ends nothing is left running and nothing has touched the user's own profiles.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from nir_cli.core import i18n
from nir_cli.core.i18n import _

Say = Callable[[str], None]
EXAMPLES = ("deltakere.csv", "registreringer.csv", "timer-2026-01.csv")


@contextmanager
def embedded_registry(folder: Path) -> Iterator[str]:
    """The reference registry in a thread on a free loopback port, seeded for 5001."""
    import uvicorn

    from nir_cli.registry import accounts
    from nir_cli.registry.app import create_app
    from nir_cli.registry.server import Guards, uvicorn_options
    from nir_cli.sandbox.sandbox import PASSWORD, users
    from nir_cli.wire import Role

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(folder / "registry.db", allow_synthetic=True)
    with app.state.db.session() as store:
        for username, role in users("5001").items():
            accounts.create_user(store, username, PASSWORD, "5001", "Sentrum", Role(role))

    class Quiet(uvicorn.Server):
        def install_signal_handlers(self) -> None:
            pass

    options = uvicorn_options("127.0.0.1", port, True, Guards())
    server = Quiet(uvicorn.Config(app, **{**options, "log_level": "error"}))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def run_demo(say: Say, show: Say, *, keep: Path | None = None) -> float:
    """Walk through the main job; returns the wall time in seconds."""
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="nir-demo-")) if keep is None else keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name in EXAMPLES:
            data = resources.files("nir_cli.data.examples").joinpath(name).read_bytes()
            (folder / name).write_bytes(data)
        with embedded_registry(folder) as url:
            _steps(folder, url, say, show)
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return time.perf_counter() - started


def _steps(folder: Path, url: str, say: Say, show: Say) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIR_")}
    # The steps speak the language the narration speaks.
    env.update(
        {"NIR_HOME": str(folder / "home"), "NIR_PROFILE": "demo", "NIR_LANG": i18n.language()}
    )

    def nir(*args: str, stdin: str | None = None) -> str:
        show("$ nir " + " ".join(a if " " not in a else repr(a) for a in args))
        result = subprocess.run(
            [sys.executable, "-m", "nir_cli", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            cwd=folder,
        )
        output = (result.stderr + result.stdout).rstrip()  # messages first, then the data
        if output:
            show(output)
        return result.stdout

    say(
        _(
            "1. A profile says which municipality and place this register belongs to, and which "
            "registry it reports to. A sandbox profile accepts synthetic personal numbers."
        )
    )
    nir(
        "init",
        "--municipality",
        "5001",
        "--place",
        "Sentrum",
        "--registry",
        url,
        "--environment",
        "sandbox",
    )
    say(
        _(
            "2. The case system exported participants and registrations as CSV (Norwegian "
            "headers, ';', dates like 31.01.2026). Import is all or nothing, and importing again "
            "is harmless."
        )
    )
    nir("import", "deltakere.csv")
    nir("import", "registreringer.csv")
    nir("import", "timer-2026-01.csv", "--kind", "hours")
    say(_("3. What does NIR expect that is missing, and what is past the two-month deadline?"))
    nir("missing")
    nir("overdue", "--within", "14")
    say(_("4. Register what is missing: Ali Kovalenko's claim has had no decision."))
    decided = min(dt.date.today(), dt.date(2025, 7, 1)).isoformat()
    nir(
        "register",
        "decision",
        "202590000110",
        "--date",
        decided,
        "--scheme",
        "training",
        "--outcome",
        "granted",
    )
    nir("history", "202590000110")
    say(
        _(
            "5. Log in to the registry (the sandbox user 5001-BJO, password test1234). Here the "
            "token goes to a file; on a desktop it goes to the system keyring."
        )
    )
    nir(
        "auth",
        "login",
        "--username",
        "5001-BJO",
        "--password-stdin",
        "--save-to",
        str(folder / "token"),
        stdin="test1234\n",
    )
    env["NIR_TOKEN_FILE"] = str(folder / "token")
    say(
        _(
            "6. Sync: pending registrations go to the registry in batches; each is accepted, "
            "rejected with a reason, or a conflict for a person. Safe to interrupt and repeat."
        )
    )
    nir("sync")
    nir("sync", "log")
    nir("sync", "show", "1")
    say(_("7. The short version, for every morning:"))
    nir("status")
    say(
        _(
            "That is the main job. Try it yourself with `nir sandbox start`: a registry that keeps "
            "running, with the user 5001-BJO / test1234 and a few dozen synthetic participants."
        )
    )
