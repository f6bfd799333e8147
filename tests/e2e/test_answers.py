"""Answers that never mislead, through the installed `nir` as a real subprocess: a municipality
code that names nothing, the default profile, --quiet, Ctrl-C, a store in a read-only place, a
token file that is not there."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nir_cli.sandbox.synthetic import SyntheticPerson, people
from nir_cli.wire import Role
from tests.conftest import PERSON_ARGS, TEST_DUF
from tests.registry.conftest import Registry, run_registry

NIR = shutil.which("nir")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(NIR is None, reason="nir is not installed")]
Nir = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NIR_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)
    clean.update({"NIR_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)})
    return clean


@pytest.fixture
def nir(env: dict[str, str]) -> Nir:
    def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            [NIR or "", *args], env=env, capture_output=True, text=True, timeout=120, **kwargs
        )

    return run


@pytest.fixture
def home(nir: Nir, env: dict[str, str]) -> Path:
    assert nir("--profile", "test", "init", "-m", "5001", "-m", "5028").returncode == 0
    assert nir("person", "add", *PERSON_ARGS).returncode == 0
    return Path(env["NIR_HOME"])


def test_a_municipality_code_that_names_nothing_is_an_error_never_no_findings(
    nir: Nir, home: Path
) -> None:
    for command in (["missing"], ["overdue"], ["report", "results"], ["person", "list"],
                    ["export", "persons"]):  # fmt: skip
        unknown = nir(*command, "--municipality", "9998")
        assert unknown.returncode == 65, (command, unknown.stderr)
        assert "nir municipalities lists them" in unknown.stderr
        assert unknown.stdout == ""
        renumbered = nir(*command, "--municipality", "3001")
        assert renumbered.returncode == 65
        assert "3001 Halden has been 3101 Halden" in renumbered.stderr
        elsewhere = nir(*command, "--municipality", "0301")
        assert elsewhere.returncode == 65
        assert "0301 is not a municipality of profile test (5001, 5028)" in elsewhere.stderr
        mine = nir(*command, "--municipality", "5028")
        assert mine.returncode == 0, (command, mine.stderr)


def test_the_sandbox_never_stays_the_default_and_profiles_are_listed_and_chosen(
    nir: Nir, env: dict[str, str]
) -> None:
    assert nir("--profile", "sandbox", "init", "-m", "5001").returncode == 0
    listed = json.loads(nir("profile", "list", "--format", "json").stdout)
    assert [(p["name"], p["default"]) for p in listed] == [("sandbox", True)]
    assert nir("--profile", "kommune", "init", "-m", "5001").returncode == 0
    listed = json.loads(nir("profile", "list", "--format", "json").stdout)
    assert {p["name"]: p["default"] for p in listed} == {"kommune": True, "sandbox": False}
    assert json.loads(nir("status", "--format", "json").stdout)["profile"] == "kommune"
    assert nir("--profile", "test", "init", "-m", "5001").returncode == 0  # not the default
    assert json.loads(nir("status", "--format", "json").stdout)["profile"] == "kommune"
    used = nir("profile", "use", "test")
    assert used.returncode == 0, used.stderr
    assert json.loads(nir("status", "--format", "json").stdout)["profile"] == "test"
    assert "profile" in nir("status").stdout  # the table says which profile it read
    unknown = nir("profile", "use", "nowhere")
    assert unknown.returncode == 78
    assert "known: kommune, sandbox, test" in unknown.stderr


def test_quiet_means_quiet_for_every_command(nir: Nir, home: Path, tmp_path: Path) -> None:
    claim = ["--date", "2025-08-20", "--scheme", "training"]
    registered = nir("-q", "register", "claim", TEST_DUF, *claim)
    assert (registered.returncode, registered.stdout, registered.stderr) == (0, "", "")
    asked = nir("-q", "register", "start", TEST_DUF, "--date", "2025-10-01", "--scheme",
                "training", "--format", "json")  # fmt: skip
    assert json.loads(asked.stdout)["kind"] == "start"
    other = ["--duf", "201290900106", "--first-name", "Ola", "--last-name", "Nordmann",
             "--birth-date", "1985-05-05", "--residence-basis", "refugee",
             "--permit-date", "2025-06-01"]  # fmt: skip
    added = nir("-q", "person", "add", *other)
    assert (added.returncode, added.stdout, added.stderr) == (0, "", "")
    csv = tmp_path / "krav.csv"
    csv.write_text("duf;type;dato;ordning\n201290900106;krav;01.09.2025;opplæring\n")
    imported = nir("-q", "import", str(csv))
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "", "")
    for command in (["overdue", "--as-of", "2025-08-21"], ["missing", "--as-of", "2024-01-01"]):
        quiet = nir("-q", *command)
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", ""), command
        said = nir(*command)
        assert said.stderr.startswith(("nothing overdue", "no findings")), said.stderr


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Registry]:
    yield from run_registry(tmp_path / "registry.db")


def _log(nir: Nir) -> list[dict[str, object]]:
    return json.loads(nir("sync", "log", "--format", "json").stdout)  # type: ignore[no-any-return]


def test_ctrl_c_during_a_sync_is_130_and_logged(
    nir: Nir, home: Path, env: dict[str, str], live: Registry
) -> None:
    """SIGINT (Ctrl-C) in the middle of a sync: exit 130, the run logged `interrupted`, the
    outbox intact; the next sync sends everything, once."""
    assert nir("--profile", "test", "init", "-m", "5001", "--registry", live.url,
               "--replace").returncode == 0  # fmt: skip
    for month in range(1, 7):
        hours = ["--date", f"2025-{month:02d}-28", "--period", f"2025-{month:02d}",
                 "--norwegian-hours", "10"]  # fmt: skip
        assert nir("register", "hours", TEST_DUF, *hours).returncode == 0
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    token = live.token("5001-sync")
    env["NIR_TOKEN"] = token
    env["NIR_TEST_CRASH_AT"] = "after-send:1:INT"  # Ctrl-C once the first batch is out
    stopped = nir("sync", "--batch-size", "2")
    assert stopped.returncode == 130, stopped.stderr
    assert "interrupted" in stopped.stderr
    del env["NIR_TEST_CRASH_AT"]
    assert _log(nir)[0]["outcome"] == "interrupted"
    again = nir("sync", "--format", "json")
    assert again.returncode == 0, again.stderr
    with live.db.session() as session:
        stored = session.one("SELECT count(*) AS n FROM record_versions")
    assert stored == {"n": 7}  # the person and six months, each once


def test_ctrl_c_during_an_import_is_130_and_keeps_nothing(
    nir: Nir, home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    big = tmp_path / "deltakere.csv"
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SyntheticPerson.CSV_HEADER)
        for someone in people(60_000, seed=7):
            writer.writerow(someone.csv_row())
    db = home / "data" / "test.db"
    before = sqlite3.connect(db).execute("SELECT count(*) FROM persons").fetchone()[0]
    process = subprocess.Popen([NIR or "", "import", str(big)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    __, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the import finished before Ctrl-C reached it")
    assert process.returncode == 130, err
    assert "interrupted" in err
    after = sqlite3.connect(db).execute("SELECT count(*) FROM persons").fetchone()[0]
    assert after == before


def _read_only(path: Path) -> Callable[[list[str]], list[str]]:
    """A way to run a command with `path` read-only: a read-only bind mount in a mount
    namespace of its own where the user may make one (root, as on CI), else the folder's
    write bits taken away (an ordinary user)."""
    if os.geteuid() == 0 and shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode == 0:
            mount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
            return lambda argv: ["unshare", "-m", "sh", "-c", mount, str(path), *argv]
    for each in [path, *path.rglob("*")]:
        each.chmod(each.stat().st_mode & ~0o222)
    return lambda argv: argv


def test_a_store_in_a_read_only_location_is_read_and_never_written(
    home: Path, env: dict[str, str]
) -> None:
    data = home / "data"
    wrapped = _read_only(data)

    def nir(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(wrapped([NIR or "", *args]), env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip

    listed = nir("person", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [p["duf"] for p in json.loads(listed.stdout)] == [TEST_DUF]
    assert nir("missing", "--format", "json").returncode == 0
    assert nir("status").returncode == 0
    written = nir("register", "claim", TEST_DUF, "--date", "2025-08-20", "--scheme", "training")
    assert written.returncode == 77, written.stderr
    assert "read-only location" in written.stderr
    assert "disk full" not in written.stderr


def test_a_token_file_that_is_not_there_is_one_code_whichever_way_it_was_named(
    nir: Nir, home: Path, env: dict[str, str], live: Registry, tmp_path: Path
) -> None:
    assert nir("--profile", "test", "init", "-m", "5001", "--registry", live.url,
               "--replace").returncode == 0  # fmt: skip
    gone = str(tmp_path / "gone.token")
    by_option = nir("--token-file", gone, "sync")
    by_env = subprocess.run([NIR or "", "sync"], env={**env, "NIR_TOKEN_FILE": gone},
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    config = Path(env["NIR_HOME"]) / "config.toml"
    text = config.read_text()
    config.write_text(
        text.replace("[profiles.test]\n", f'[profiles.test]\ntoken_file = "{gone}"\n')
    )
    by_profile = nir("sync")
    codes = {by_option.returncode, by_env.returncode, by_profile.returncode}
    assert codes == {4}, (by_option.stderr, by_env.stderr, by_profile.stderr)
    for said in (by_option, by_env, by_profile):
        assert "gone.token" in said.stderr
