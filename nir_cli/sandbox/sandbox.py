"""The training sandbox: a reference registry on loopback with a test municipality, its users,
the test person and a few dozen synthetic participants, and a `sandbox` profile pointing at it.

Everything lives under the data folder's `sandbox/` (registry database, pid file, log), the
profile store is the ordinary `sandbox` profile, and nothing here can reach production.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nir_cli.core import config as config_module
from nir_cli.core import paths
from nir_cli.core.errors import FieldProblem, TemporaryFailure, UsageError
from nir_cli.core.i18n import _
from nir_cli.core.portable import process_alive, terminate

PROFILE = "sandbox"
PASSWORD = "test1234"
TEST_DUF = "201212345603"
DEFAULT_PORT = 8765


@dataclass(frozen=True)
class SandboxInfo:
    running: bool
    pid: int | None
    url: str | None
    folder: Path
    municipality: str | None


def folder() -> Path:
    return paths.data_dir() / "sandbox"


def users(municipality: str) -> dict[str, str]:
    """username → role of the seeded users (all with password test1234)."""
    return {
        f"{municipality}-BJO": "superuser",
        f"{municipality}-DEP": "deputy",
        f"{municipality}-USER": "user",
        f"{municipality}-SYNC": "transfer",
    }


def _pid() -> int | None:
    try:
        pid = int((folder() / "registry.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if process_alive(pid) else None


def _healthy(url: str) -> bool:
    import requests

    try:
        return requests.get(f"{url}/v1/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def status() -> SandboxInfo:
    state = folder() / "state.txt"
    url = municipality = None
    if state.exists():
        url, municipality = state.read_text().split()
    pid = _pid()
    running = pid is not None and url is not None and _healthy(url)
    return SandboxInfo(running, pid if running else None, url, folder(), municipality)


def start(port: int = DEFAULT_PORT, municipality: str = "5001") -> tuple[SandboxInfo, bool]:
    """Start (and on first start, seed) the sandbox; returns its info and whether it started now."""
    current = status()
    if current.running:
        return current, False
    from nir_cli.domain.municipalities import MunicipalityError, lookup
    from nir_cli.registry.server import port_free

    try:
        municipality = lookup(municipality).code
    except MunicipalityError as exc:
        raise FieldProblem("municipality", str(exc)) from None
    if not port_free("127.0.0.1", port):
        raise UsageError(
            _("port {port} is in use on 127.0.0.1").format(port=port),
            hint=_("choose another: nir sandbox start --port 8766"),
        )
    base = folder()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = base / "registry.db"
    fresh = not db.exists()
    url = f"http://127.0.0.1:{port}"
    from nir_cli.registry.server import start_process

    env = {k: v for k, v in os.environ.items() if k != "NIR_REGISTRY_FAULTS"}
    with (base / "registry.log").open("ab") as log:
        try:
            process = start_process(db, port, env, log, docs=True)
        except TemporaryFailure:
            raise TemporaryFailure(
                _("the sandbox registry did not start; see {path}").format(
                    path=base / "registry.log"
                )
            ) from None
    (base / "registry.pid").write_text(str(process.pid))
    (base / "state.txt").write_text(f"{url} {municipality}\n")
    if fresh:
        seed(db, url, municipality)
    return status(), True


def stop() -> bool:
    """Stop the sandbox registry; False when it was not running."""
    pid = _pid()
    if pid is None:
        return False
    terminate(pid)
    for _attempt in range(100):
        if not process_alive(pid):
            break
        time.sleep(0.1)
    (folder() / "registry.pid").unlink(missing_ok=True)
    return True


def reset(port: int | None = None) -> SandboxInfo:
    """Back to the seeded state: stop, forget registry and sandbox profile store, start again."""
    info = status()
    municipality = info.municipality or "5001"
    if port is None and info.url:
        port = int(info.url.rsplit(":", 1)[1])
    stop()
    for name in ("registry.db", "registry.db-wal", "registry.db-shm"):
        (folder() / name).unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm", ".sync.lock"):
        Path(f"{paths.store_path(PROFILE)}{suffix}").unlink(missing_ok=True)
    from nir_cli.sync.credentials import sandbox_token_file

    sandbox_token_file(PROFILE).unlink(missing_ok=True)  # it belonged to the old registry
    forget_course()  # the course starts afresh with the data
    started, _started_now = start(port or DEFAULT_PORT, municipality)
    return started


# What `nir sandbox course` keeps in the sandbox folder: the answers given, the lessons' files.
COURSE_ANSWERS = "course.json"
COURSE_MATERIAL = "course"


def forget_course() -> None:
    """The course from the start: answers and material gone (`nir sandbox reset`)."""
    import shutil

    (folder() / COURSE_ANSWERS).unlink(missing_ok=True)
    shutil.rmtree(folder() / COURSE_MATERIAL, ignore_errors=True)


def seed(db: Path, url: str, municipality: str) -> None:
    """Users in the registry; the sandbox profile with the test person and a few dozen
    synthetic participants: some synced (accepted), some overdue, some lacking registrations."""
    from nir_cli.registry import accounts
    from nir_cli.registry.storage import RegistryDB
    from nir_cli.wire import Role

    registry = RegistryDB(db)
    with registry.session() as store:
        for username, role in users(municipality).items():
            accounts.create_user(store, username, PASSWORD, municipality, "Sentrum", Role(role))
    from nir_cli.services.profiles import init_profile

    init_profile(
        PROFILE, [municipality], "Sentrum", url, config_module.Environment.SANDBOX, replace=True
    )
    _seed_local(url, municipality)


def _seed_local(url: str, municipality: str) -> None:
    from nir_cli.sandbox.synthetic import people
    from nir_cli.services.persons import add_person, checks_for
    from nir_cli.services.registrations import record
    from nir_cli.services.stores import open_store
    from nir_cli.sync.client import RegistryClient
    from nir_cli.sync.engine import sync

    profile = config_module.load().get(PROFILE)
    checks = checks_for(profile)
    store = open_store(paths.store_path(PROFILE))
    today = dt.date.today()
    rng = random.Random(20)
    try:

        def reg(duf: str, kind: str, day: dt.date, **fields: Any) -> None:
            record(
                store, profile, duf, {"kind": kind, "fact_date": day.isoformat(), **fields}, checks
            )

        kari = add_person(
            store,
            profile,
            {
                "duf": TEST_DUF,
                "fnr": "15819000066",
                "first_name": "Kari",
                "last_name": "Nordmann",
                "residence_basis": "refugee",
                "permit_date": (today - dt.timedelta(days=420)).isoformat(),
                "settlement_date": (today - dt.timedelta(days=380)).isoformat(),
            },
            checks,
        )
        assert kari.data.duf
        everyone = [kari.data.duf]
        for p in people(30, seed=5, today=today):
            added = add_person(
                store,
                profile,
                {
                    "duf": p.duf,
                    "fnr": p.fnr,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "residence_basis": p.residence_basis,
                    "permit_date": p.permit_date.isoformat(),
                    "settlement_date": p.settlement_date.isoformat(),
                },
                checks,
            )
            everyone.append(added.data.duf or "")
        # The first half have a complete early history: sent to the registry and accepted.
        for duf in everyone[:16]:
            claim = today - dt.timedelta(days=rng.randint(200, 300))
            reg(duf, "claim", claim, scheme="training")
            reg(
                duf, "decision", claim + dt.timedelta(days=20), scheme="training", outcome="granted"
            )
            reg(duf, "offer", claim + dt.timedelta(days=25), scheme="training")
            reg(duf, "start", claim + dt.timedelta(days=40), scheme="training")
        client = RegistryClient(url, _token(url, municipality))
        sync(store, client)
        # Then work that is still only here: some of it past the two-month deadline.
        for i, duf in enumerate(everyone[16:]):
            claim = today - dt.timedelta(days=rng.randint(20, 150))
            reg(duf, "claim", claim, scheme="training")
            if i % 3 == 0:
                reg(
                    duf,
                    "decision",
                    claim + dt.timedelta(days=10),
                    scheme="training",
                    outcome="granted",
                )
        for duf in everyone[:6]:
            month_end = today.replace(day=1) - dt.timedelta(days=1)
            reg(
                duf,
                "hours",
                month_end,
                scheme="training",
                period=f"{month_end:%Y-%m}",
                norwegian_hours=rng.randint(20, 60),
            )
    finally:
        store.close()


def _token(url: str, municipality: str) -> str:
    from nir_cli.sync.client import RegistryClient

    return RegistryClient(url).login(f"{municipality}-SYNC", PASSWORD).access_token
