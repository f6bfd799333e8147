"""Running the registry: uvicorn, loopback by default, graceful shutdown on SIGTERM."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nir_cli.core import collector, paths, portable
from nir_cli.core.errors import ConfigError, FieldProblem, TemporaryFailure, UsageError
from nir_cli.core.i18n import _
from nir_cli.core.portable import background_process_options
from nir_cli.registry.faults import ENV, Faults

GRACEFUL_SHUTDOWN_SECONDS = 10
# How `serve --workers N` tells its worker processes what to serve (uvicorn starts each anew).
_WORKER_ENV = "_NIR_REGISTRY_WORKER"


def default_db() -> Path:
    return paths.data_dir() / "registry" / "registry.db"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def faults_from_env(host: str) -> Faults | None:
    text = os.environ.get(ENV)
    if not text:
        return None
    if not is_loopback(host):
        raise ConfigError(
            _("{variable} is set: faults are for tests and refused on {host}").format(
                variable=ENV, host=host
            ),
            hint=_("unset it, or bind 127.0.0.1"),
        )
    try:
        return Faults.parse(text)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Guards:
    """How the registry guards itself, as `serve` was told: whose X-Forwarded-For to believe
    (none unless told), the longest machine token, the body bytes held at once."""

    proxy_headers: bool = False
    forwarded_allow_ips: str | None = None
    max_token_days: int = 365
    body_budget: int = 64 * 1024 * 1024


def uvicorn_options(host: str, port: int, quiet: bool, guards: Guards) -> dict[str, Any]:
    """uvicorn's settings for the registry (tests serve it with the same): a client's address
    is the connection's own unless proxy headers were asked for, with the addresses of the
    proxies to believe (uvicorn would otherwise believe X-Forwarded-For from loopback, and a
    local process could then be anyone); at most CONCURRENCY connections and requests at once
    (503 past it)."""
    from nir_cli.registry.limits import CONCURRENCY

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning" if quiet else "info",
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
        "server_header": False,
        "proxy_headers": guards.proxy_headers,
        "limit_concurrency": CONCURRENCY,
    }
    if guards.proxy_headers:
        options["forwarded_allow_ips"] = guards.forwarded_allow_ips
    return options


def serve(
    db: Path | str,
    host: str,
    port: int,
    *,
    allow_synthetic: bool,
    quiet: bool,
    workers: int = 1,
    docs: bool = False,
    guards: Guards | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM; in-flight batches finish (and commit) before exit.

    With `workers` above 1, uvicorn runs that many processes on the one port. On SQLite,
    batches are still stored one at a time (a file lock beside the database), but parsing,
    checking and answering them run side by side, on more than one core; on PostgreSQL,
    batches that touch different persons are stored side by side too."""
    import uvicorn

    from nir_cli.registry.app import create_app, with_faults

    faults = faults_from_env(host)
    if not port_free(host, port):
        raise UsageError(
            _("{host}:{port} is in use").format(host=host, port=port),
            hint=_("choose another --port"),
        )
    guards = guards or Guards()
    options = uvicorn_options(host, port, quiet, guards)
    portable.return_freed_memory()
    if workers == 1:
        app = create_app(
            db,
            allow_synthetic=allow_synthetic,
            docs=docs,
            max_token_days=guards.max_token_days,
            body_budget=guards.body_budget,
            forwarded_believed=guards.proxy_headers,
        )
        collector.for_serving()
        uvicorn.run(with_faults(app, faults), **options)
        return
    from nir_cli.registry.storage import open_storage

    open_storage(db).close()  # created and migrated once, before the workers open it
    os.environ[_WORKER_ENV] = json.dumps(
        {
            "db": str(db),
            "host": host,
            "allow_synthetic": allow_synthetic,
            "docs": docs,
            "max_token_days": guards.max_token_days,
            "body_budget": guards.body_budget,
            "proxy_headers": guards.proxy_headers,
        }
    )
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)


def worker_app() -> Any:
    """The app of one worker process of `serve --workers N`; uvicorn calls this by name."""
    from nir_cli.registry.app import create_app, with_faults

    told = json.loads(os.environ[_WORKER_ENV])
    portable.return_freed_memory()
    app = create_app(
        told["db"],
        allow_synthetic=told["allow_synthetic"],
        docs=told.get("docs", False),
        max_token_days=told["max_token_days"],
        body_budget=told["body_budget"],
        forwarded_believed=told["proxy_headers"],
    )
    collector.for_serving()
    return with_faults(app, faults_from_env(told["host"]))


def init_admin(
    db: Path | str, municipality: str, username: str, password: str, place: str | None
) -> None:
    """Create the first superuser of a municipality."""
    from nir_cli.core.errors import InvalidData
    from nir_cli.domain.municipalities import MunicipalityError, lookup
    from nir_cli.registry import accounts
    from nir_cli.registry.storage import open_storage
    from nir_cli.wire import Role

    try:
        code = lookup(municipality).code
    except MunicipalityError as exc:
        raise FieldProblem("municipality", str(exc)) from None
    if len(password) < 8:
        raise InvalidData(_("the password needs at least 8 characters"))
    registry = open_storage(db)
    try:
        with registry.session() as store:
            if accounts.username_taken(store, username):
                raise InvalidData(_("user {username!r} exists already").format(username=username))
            accounts.create_user(store, username, password, code, place, Role.SUPERUSER)
    finally:
        registry.close()


def wait_until_healthy(
    url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 15.0
) -> None:
    """Wait for a registry started elsewhere to answer /v1/health; TemporaryFailure when it
    exits or stays silent past the timeout."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            raise TemporaryFailure(_("the registry at {url} did not start").format(url=url))
        time.sleep(0.05)


def start_process(
    db: Path | str,
    port: int,
    env: dict[str, str] | None = None,
    log: Any = None,
    workers: int = 1,
    docs: bool = False,
) -> subprocess.Popen[bytes]:
    """`nir registry serve` on 127.0.0.1 as a child process (synthetic numbers allowed: for the
    sandbox, tests and benchmarks), returned once it answers."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nir_cli",
            "-q",
            "registry",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            str(db),
            "--allow-synthetic",
            "--workers",
            str(workers),
            "--docs" if docs else "--no-docs",
        ],
        env=env,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        **background_process_options(detached=log is not None),
    )
    wait_until_healthy(f"http://127.0.0.1:{port}", process)
    return process
