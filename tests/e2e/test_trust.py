"""Trust at 2 a.m.: every path through the installed `nir` is right or loudly wrong.

Each test runs `nir` as a real subprocess, as cron and scripts do: a missing or foreign store,
a full disk, options after the command, typos, exit codes per situation, the crontab line of
docs/cron.md through `sh -c`, files for Excel, tokens without a keyring.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nir_cli.sandbox.synthetic import synthetic_duf
from nir_cli.wire import Role
from tests.conftest import PERSON_ARGS, TEST_DUF, TEST_FNR, big_import_files, snapshot
from tests.registry.conftest import PASSWORD, Registry, free_port, run_registry

NIR = shutil.which("nir")
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(NIR is None, reason="nir is not installed")]

Nir = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NIR_")}
    clean.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no desktop keyring, as under cron
    clean.update({"NIR_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)})
    return clean


@pytest.fixture
def nir(env: dict[str, str]) -> Nir:
    def run(
        *args: str, input: str | None = None, **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        assert NIR is not None
        return subprocess.run(  # type: ignore[call-overload,no-any-return]
            [NIR, *args],
            env=env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            **kwargs,
        )

    return run


@pytest.fixture
def home(nir: Nir, env: dict[str, str]) -> Path:
    """A test profile (the default) with the test person."""
    assert nir("--profile", "test", "init", "-m", "5001").returncode == 0
    assert nir("person", "add", *PERSON_ARGS).returncode == 0
    return Path(env["NIR_HOME"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- a store is created only on purpose ------------------------------------------------------


def test_a_missing_store_is_78_and_nothing_is_created(nir: Nir, env: dict[str, str]) -> None:
    home = Path(env["NIR_HOME"])
    gone = nir("--profile", "gone", "-q", "missing", "--fail-on-findings")
    assert gone.returncode == 78
    assert not home.exists()
    assert nir("--profile", "test", "init", "-m", "5001").returncode == 0
    store = home / "data" / "test.db"
    store.unlink()
    result = nir("-q", "missing", "--fail-on-findings")
    assert result.returncode == 78
    assert f"there is no store at {store}" in result.stderr
    assert "was it moved? is NIR_HOME right? `nir init` creates one" in result.stderr
    assert sorted(p.name for p in (home / "data").iterdir()) == []
    elsewhere = home.parent / "not" / "there.db"
    assert nir("--db", str(elsewhere), "status").returncode == 78
    assert not elsewhere.parent.exists()


@pytest.mark.parametrize("kind", ["garbage", "folder", "truncated", "foreign", "newer", "empty"])
def test_a_file_that_is_not_a_usable_store_is_refused_and_never_written(
    nir: Nir, home: Path, kind: str
) -> None:
    store = home / "data" / "test.db"
    target = home / "data" / f"{kind}.db"
    if kind == "garbage":
        target.write_bytes(b"this is not a database\n" * 100)
    elif kind == "folder":
        target.mkdir()
    elif kind == "truncated":
        nir("import", str(EXAMPLES / "deltakere.csv"))
        sqlite3.connect(store).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        data = store.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif kind == "foreign":
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()
    elif kind == "newer":
        shutil.copy(store, target)
        conn = sqlite3.connect(target)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    else:
        target.touch()
    before = digest(target) if target.is_file() else None
    result = nir(
        "--db",
        str(target),
        "person",
        "add",
        "--duf",
        "200205705502",
        "--first-name",
        "A",
        "--last-name",
        "B",
        "--birth-date",
        "1990-01-01",
        "--residence-basis",
        "refugee",
        "--permit-date",
        "2025-01-01",
    )
    assert result.returncode == 78, result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert str(target) in result.stderr
    if kind == "newer":
        assert "written by a newer nir (schema 99" in result.stderr
    if before is not None:
        assert digest(target) == before


def test_opening_never_touches_a_folder_it_did_not_make_nor_loosens_a_file(
    nir: Nir, home: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    store = shared / "s.db"
    shutil.copy(home / "data" / "test.db", store)
    os.chmod(store, 0o400)
    assert nir("--db", str(store), "status").returncode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE(store.stat().st_mode) == 0o400
    os.chmod(store, 0o644)
    assert nir("--db", str(store), "status").returncode == 0
    assert stat.S_IMODE(store.stat().st_mode) == 0o600  # tightened, never loosened
    made = tmp_path / "new" / "place"
    assert nir("--profile", "p2", "--db", str(made / "p2.db"), "init", "-m", "5001").returncode == 0
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert stat.S_IMODE((made / "p2.db").stat().st_mode) == 0o600


def _limited(size: int) -> Callable[[], None]:
    """A real write error: files may not grow past `size` bytes (EFBIG, as a full disk)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_says_so_and_leaves_the_store_as_it_was(nir: Nir, home: Path) -> None:
    store = home / "data" / "test.db"
    before = snapshot(store)
    result = nir("import", str(EXAMPLES / "deltakere.csv"), preexec_fn=_limited(40_000))
    assert result.returncode == 74, result.stderr
    assert f"disk full or write error at {store}" in result.stderr
    assert "cannot rollback" not in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(store) == before


@pytest.fixture
def big_import(nir: Nir, home: Path, tmp_path: Path) -> Path:
    """3,000 persons in the store, and a file of a claim and a start for each: an import
    written in several chunks, each through the staging table."""
    persons, registrations = big_import_files(tmp_path)
    assert nir("import", str(persons)).returncode == 0
    return registrations


def test_a_full_disk_at_any_step_of_an_import_is_74_and_changes_nothing(
    nir: Nir, home: Path, big_import: Path
) -> None:
    """Files may not grow past a limit that falls in a different step each time (the WAL's
    first pages, the staging table, the registrations, their versions, the outbox, the kept
    findings, the commit): every run is 74 with the store as it was, or 0 when it fit."""
    store = home / "data" / "test.db"
    saved = store.with_name("saved.db")
    shutil.copy(store, saved)
    before = snapshot(store)
    outcomes = []
    for limit in (64 * 1024, 512 * 1024, 2 * 2**20, 4 * 2**20, 6 * 2**20, 64 * 2**20):
        for stale in store.parent.glob("test.db-*"):
            stale.unlink()
        shutil.copy(saved, store)
        result = nir("import", str(big_import), preexec_fn=_limited(limit))
        outcomes.append(result.returncode)
        assert result.returncode in (0, 74), (limit, result.stderr)
        assert "unexpected" not in result.stderr
        assert "Traceback" not in result.stderr
        if result.returncode == 74:
            assert f"disk full or write error at {store}" in result.stderr
            assert snapshot(store) == before, limit
    assert outcomes.count(74) >= 4
    assert outcomes[-1] == 0


def test_an_export_is_written_whole_or_not_at_all(nir: Nir, home: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.csv"
    lines = ["duf;fornavn;etternavn;fødselsdato;oppholdsgrunnlag;tillatelsesdato"]
    lines += [
        f"{synthetic_duf(2020, n)};Navn{n};Etternavn{n};1990-01-01;refugee;2025-06-01"
        for n in range(600)
    ]
    many.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert nir("import", str(many)).returncode == 0
    out = tmp_path / "persons.csv"
    out.write_text("the old export\n")
    os.chmod(out, 0o644)
    # The store's shared memory (32 KiB) fits under the limit; the export (about 80 KB) not.
    result = nir("export", "persons", "-o", str(out), preexec_fn=_limited(48 * 1024))
    assert result.returncode == 74, result.stderr
    assert f"disk full or write error at {out}" in result.stderr
    assert out.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".persons")] == []


def test_export_files_are_0600_and_never_follow_a_link(
    nir: Nir, home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "old.csv"
    out.write_text("old\n")
    os.chmod(out, 0o644)
    assert nir("export", "persons", "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    result = nir("export", "persons", "-o", str(link))
    assert result.returncode == 77
    assert "symbolic link" in result.stderr
    assert victim.read_text() == "keep me\n"
    assert link.is_symlink()


def test_a_place_with_a_tab_and_quotes_survives_the_config(nir: Nir) -> None:
    place = 'Sentrum\tA "B" \\ C'
    assert nir("init", "-m", "5001", "--place", place).returncode == 0
    shown = nir("status", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    person = [a for a in PERSON_ARGS if a not in (TEST_FNR, "--fnr")]  # production: no synthetic
    added = nir("person", "add", *person, "--birth-date", "1990-01-15", "--format", "json")
    assert json.loads(added.stdout)["place"] == place


# -- options where people type them; typos ---------------------------------------------------


def test_global_options_after_the_command(nir: Nir, home: Path) -> None:
    assert nir("init", "--profile", "other", "-m", "0301").returncode == 0
    after = nir("status", "--profile", "other", "--format", "json")
    before = nir("--profile", "other", "status", "--format", "json")
    assert after.returncode == before.returncode == 0
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["profile"] == "other"
    quiet = nir("person", "edit", TEST_DUF, "--first-name", "Kari", "--quiet")
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    verbose = nir("history", TEST_DUF, "-v")
    assert "store " in verbose.stderr
    db = nir("person", "list", "--db", str(home / "data" / "test.db"), "--format", "json")
    assert [p["duf"] for p in json.loads(db.stdout)] == [TEST_DUF]


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["misssing"], "Did you mean 'missing'?"),
        (["register", "claimm"], "Did you mean 'claim'?"),
        (["person", "lst"], "Did you mean 'list'?"),
        (["sync", "lg"], "Did you mean 'log'?"),
        (["status", "--profil", "test"], "--profile"),
    ],
)
def test_typos_get_a_suggestion_at_every_level(nir: Nir, args: list[str], suggestion: str) -> None:
    result = nir(*args)
    assert result.returncode == 2
    assert suggestion in result.stderr


# -- exit codes that mean one thing ----------------------------------------------------------


def test_unknown_person_is_66_and_a_wrong_value_65(nir: Nir, home: Path) -> None:
    unknown = nir("history", "200205705502")
    assert unknown.returncode == 66
    assert "no person with DUF number" in unknown.stderr
    assert nir("registration", "show", "deadbeef").returncode == 66
    assert nir("conflicts", "show", "42").returncode == 66
    wrong = nir("register", "claim", TEST_DUF, "--date", "2025-02-31", "--scheme", "training")
    assert wrong.returncode == 65
    assert nir("import", "/no/such/file.csv").returncode == 66


def test_skip_invalid_is_0_with_a_warning_and_the_rejects_file(
    nir: Nir, home: Path, tmp_path: Path
) -> None:
    rows = (EXAMPLES / "deltakere.csv").read_text(encoding="utf-8").splitlines()
    broken = rows[-1].replace(rows[-1].split(";")[0], "201234567890")
    source = tmp_path / "mixed.csv"
    source.write_text("\n".join([*rows, broken]) + "\n", encoding="utf-8")
    rejects = tmp_path / "avvist.csv"
    result = nir("-q", "import", str(source), "--skip-invalid", "--rejects", str(rejects))
    assert result.returncode == 0, result.stderr
    assert f"1 invalid rows skipped; they are in {rejects}" in result.stderr  # even with -q
    assert rejects.exists()
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


class _Broken(http.server.BaseHTTPRequestHandler):
    """A registry (or a proxy before it) that fails: 500 with a page, or 200 with HTML."""

    status = 500

    def _answer(self) -> None:
        body = b"<html><body>Internal error: stack trace with secrets</body></html>"
        self.send_response(self.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(params=[500, 200], ids=["500-page", "200-html"])
def broken_registry(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = type("Handler", (_Broken,), {"status": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_a_failing_registry_is_75_and_its_page_is_never_printed(
    nir: Nir, home: Path, env: dict[str, str], broken_registry: str
) -> None:
    nir("init", "--profile", "test", "-m", "5001", "--registry", broken_registry, "--replace")
    env["NIR_TOKEN"] = "some-token"
    result = nir("sync")
    assert result.returncode == 75, result.stderr
    assert "stack trace" not in result.stderr + result.stdout
    assert "the outbox is intact" in result.stderr


def test_login_against_a_dead_registry_says_the_registry_is_not_answering(
    nir: Nir, home: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    nir("init", "--profile", "test", "-m", "5001", "--registry", url, "--replace")
    result = nir(
        "auth", "login", "-u", "5001-BJO", "--password-stdin", "--save-to", "t.token", input="x\n"
    )
    assert result.returncode == 75
    assert f"the registry at {url} did not answer" in result.stderr
    assert "outbox" not in result.stderr


@pytest.mark.posix
def test_retries_are_told_on_a_terminal(nir: Nir, home: Path, env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    nir("init", "--profile", "test", "-m", "5001", "--registry", url, "--replace")
    env["NIR_TOKEN"] = "some-token"
    code, text = _on_a_terminal(["sync"], env)
    assert code == 75
    assert "the registry is not answering" in text
    assert "attempt 2 of 5 in" in text


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run nir with stdin, stdout and stderr on a pseudo-terminal: its exit code, and what the
    terminal showed."""
    import pty  # POSIX only: the tests using it are marked posix

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [NIR or "", *args], env=env, stdin=follower, stdout=follower, stderr=follower
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        code = process.wait(60)
    finally:
        os.close(leader)
    return code, seen.decode()


# -- the crontab line ------------------------------------------------------------------------


def _cron_lines() -> list[str]:
    """The commands of docs/cron.md's crontab block, as written."""
    text = (ROOT / "docs" / "cron.md").read_text(encoding="utf-8")
    block = text.split("```cron", 1)[1].split("```", 1)[0]
    return [line.split(None, 5)[5] for line in block.splitlines() if line[:1].isdigit()]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Registry]:
    yield from run_registry(tmp_path / "registry.db")


@pytest.mark.posix
def test_the_crontab_lines_run_as_written_under_cron(live: Registry, tmp_path: Path) -> None:
    """Each line of docs/cron.md through `env -i PATH=/usr/bin:/bin HOME=... sh -c`, as cron
    runs it (no NIR_HOME, no terminal), with nir where pipx puts it ($HOME/.local/bin/nir):
    the sync is silent when it went well and when the registry is away (75, the reason in
    nir sync log), says the code when it did not; the Monday line mails the overdue table as
    the body, and nothing when nothing is overdue."""
    home = tmp_path / "cronhome"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "nir").symlink_to(NIR or "")
    cron_env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    sent = tmp_path / "mail.txt"
    fake_mail = tmp_path / "mail"  # this machine's mail program, which keeps what it was sent
    fake_mail.write_text(f'#!/bin/sh\necho "$@" > {sent}.args\ncat > {sent}\n')
    fake_mail.chmod(0o755)
    nightly, weekly = _cron_lines()
    weekly = weekly.replace("| mail ", f"| {fake_mail} ")

    def nir(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([NIR or "", *args], env=cron_env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    def cron(line: str) -> subprocess.CompletedProcess[str]:
        cleared = ["env", "-i", *(f"{k}={v}" for k, v in cron_env.items())]
        return subprocess.run([*cleared, "sh", "-c", line], capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    assert nir("init", "--profile", "test", "-m", "5001", "--registry", live.url).returncode == 0
    assert nir("person", "add", *PERSON_ARGS).returncode == 0
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    token = live.token("5001-sync")
    token_file = home / ".config" / "nir" / "nightly.token"
    token_file.write_text(token + "\n")
    os.chmod(token_file, 0o600)

    ok = cron(nightly)
    assert (ok.stdout, ok.stderr) == ("", ""), "a successful night must print nothing"
    token_file.write_text("revoked-or-wrong\n")
    failed = cron(nightly)
    assert failed.stdout.strip() == "nir sync: exit 4"
    token_file.write_text(token + "\n")
    away_url = f"http://127.0.0.1:{free_port()}"
    assert nir("init", "--profile", "test", "-m", "5001", "--registry", away_url,
               "--replace").returncode == 0  # fmt: skip
    away = cron(nightly)  # 75 is "try at the next run": nothing printed, the reason kept
    assert (away.stdout, away.stderr) == ("", "")
    log = json.loads(nir("sync", "log", "--format", "json").stdout)
    assert log[0]["outcome"].startswith("try later: ")
    assert "did not answer" in log[0]["outcome"]

    nothing = cron(weekly)  # the claim-free person is not overdue yet: no mail
    assert (nothing.stdout, nothing.stderr) == ("", "")
    assert not sent.exists()
    claim = ["--date", "2025-08-20", "--scheme", "training"]
    assert nir("register", "claim", TEST_DUF, *claim).returncode == 0
    overdue = cron(weekly)
    assert (overdue.stdout, overdue.stderr) == ("", "")
    body = sent.read_text()
    assert "claim" in body
    assert "2025-10-20" in body  # the deadline column of the table
    assert "NIR: overdue registrations" in sent.with_suffix(".txt.args").read_text()


# -- the next step is visible; files for Excel; tokens without a keyring -----------------------


def test_listings_take_limit_and_excel(nir: Nir, home: Path, env: dict[str, str]) -> None:
    nir("import", str(EXAMPLES / "deltakere.csv"))
    assert len(json.loads(nir("person", "list", "--format", "json").stdout)) == 7
    assert len(json.loads(nir("person", "list", "--limit", "2", "--format", "json").stdout)) == 2
    excel = subprocess.run(
        [NIR or "", "person", "list", "--excel"], env=env, capture_output=True, timeout=60
    )
    raw = excel.stdout
    assert raw.startswith("\ufeff".encode())
    assert b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;duf;fnr;")
    assert "15.01.1990" in text
    assert "1990-01-15" not in text
    assert TEST_FNR in text  # CSV, for Excel too, carries the numbers: like an export
    nir("init", "--profile", "test", "-m", "5001", "--excel", "--replace")
    csv_by_profile = subprocess.run(
        [NIR or "", "person", "list", "--format", "csv"], env=env, capture_output=True, timeout=60
    ).stdout
    assert csv_by_profile == raw


def test_formulas_and_control_characters_are_made_harmless(
    nir: Nir, home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "odd.csv"
    source.write_text(
        "duf;fornavn;etternavn;fødselsdato;oppholdsgrunnlag;tillatelsesdato\n"
        '200205705502;=HYPERLINK("http://x");Nord\x1b[2J\u202emann;1991-01-01;refugee;2025-06-01\n',
        encoding="utf-8",
    )
    imported = nir("import", str(source))
    assert imported.returncode == 0, imported.stderr
    assert "column fornavn: starts with '='" in imported.stderr
    assert "column etternavn: holds control characters" in imported.stderr
    stored = json.loads(nir("person", "show", "200205705502", "--format", "json").stdout)
    assert stored["first_name"] == '=HYPERLINK("http://x")'  # the data is kept
    for args in (["person", "list"], ["person", "list", "--format", "csv"], ["export", "persons"]):
        out = nir(*args).stdout
        assert not {"\x1b", "\u202e"} & set(out), args
    excel = nir("export", "persons", "--excel").stdout
    assert "'=HYPERLINK" in excel
    again = nir("person", "list", "--excel").stdout
    assert "'=HYPERLINK" in again


def test_login_save_to_is_found_by_the_next_command(
    nir: Nir, home: Path, live: Registry, tmp_path: Path
) -> None:
    nir("init", "--profile", "test", "-m", "5001", "--registry", live.url, "--replace")
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    token_file = tmp_path / "session.token"

    def login() -> subprocess.CompletedProcess[str]:
        args = ("-u", "5001-sync", "--password-stdin", "--save-to", str(token_file))
        return nir("auth", "login", *args, input=PASSWORD + "\n")

    first = login()
    assert first.returncode == 0, first.stderr
    status = json.loads(nir("auth", "status", "--format", "json").stdout)
    assert status["token_source"] == f"token file {token_file}"
    assert nir("sync").returncode == 0
    token_file.unlink()
    gone = nir("sync")
    assert gone.returncode == 4
    assert "log in again" in gone.stderr
    assert login().returncode == 0
    assert nir("auth", "logout").returncode == 0
    assert not token_file.exists()  # it held a revoked token
    assert "token_file" not in (home / "config.toml").read_text()


def test_no_keyring_is_found_before_the_password_is_asked(
    nir: Nir, home: Path, live: Registry
) -> None:
    nir(
        "init",
        "--profile",
        "test",
        "-m",
        "5001",
        "--registry",
        live.url,
        "--replace",
        "--environment",
        "production",
    )
    result = nir("auth", "login", input="")
    assert result.returncode == 78
    assert "keyring" in result.stderr
    assert "Password" not in result.stdout + result.stderr


def test_a_sandbox_profile_without_a_login_says_log_in_again(nir: Nir, live: Registry) -> None:
    nir("init", "--profile", "sandbox", "-m", "5001", "--registry", live.url)
    result = nir("--profile", "sandbox", "sync")
    assert result.returncode == 4
    assert "log in again: nir --profile sandbox auth login" in result.stderr
    assert "keyring" not in result.stderr


def test_sync_reports_what_came_from_others(
    nir: Nir, home: Path, env: dict[str, str], live: Registry
) -> None:
    live.add_user("5001-sync", "5001", Role.TRANSFER)
    env["NIR_TOKEN"] = live.token("5001-sync")
    for name in ("test", "second"):
        nir("init", "--profile", name, "-m", "5001", "--registry", live.url, "--replace")
    nir("import", str(EXAMPLES / "deltakere.csv"))
    first = json.loads(nir("sync", "--format", "json").stdout)
    assert first["sent"] == 7
    assert first["pulled"] == 0
    assert first["echoed"] == 7
    other = nir("--profile", "second", "sync")
    assert "7 changes from others pulled" in other.stdout


@pytest.mark.posix
def test_a_long_listing_pages_on_a_terminal_and_not_in_a_pipe(
    nir: Nir, home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    nir("import", str(EXAMPLES / "deltakere.csv"))
    pager = tmp_path / "pager.sh"
    pager.write_text("#!/bin/sh\necho PAGED-BY-PAGER\ncat\n")
    pager.chmod(0o755)
    _, paged = _on_a_terminal(["person", "list"], {**env, "PAGER": str(pager), "LINES": "5"})
    assert "PAGED-BY-PAGER" in paged
    assert "Nordmann" in paged
    _, short = _on_a_terminal(["person", "list", "--limit", "1"], {**env, "PAGER": str(pager)})
    assert "PAGED-BY-PAGER" not in short  # it fits: no pager
    piped = subprocess.run(
        [NIR or "", "person", "list"],
        env={**env, "PAGER": str(pager), "LINES": "5"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "PAGED-BY-PAGER" not in piped.stdout  # scripts get everything, straight
    assert piped.stdout.count("\n") >= 8


def _damage_persons_page(store: Path) -> None:
    """One cell fewer in the persons table's page header, as a torn or bit-flipped write
    leaves it: SQLite reads the page without complaint, one person short."""
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'persons'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(store, "r+b") as handle:
        handle.seek((root - 1) * size + 3)
        cells = int.from_bytes(handle.read(2), "big")
        handle.seek((root - 1) * size + 3)
        handle.write((cells - 1).to_bytes(2, "big"))


def test_a_damaged_store_is_refused_before_anything_trusts_it(
    nir: Nir, home: Path, tmp_path: Path
) -> None:
    """A page damaged so that reads stay silent: `nir person list` would show one person of
    two. Exports, reports, syncs and `nir status --check` check the file first: 78, with the
    advice to restore from a backup, and nothing written (no export file, no sync log)."""
    other = ["--duf", "200205705502", "--first-name", "Ola", "--last-name", "Nordmann",
             "--birth-date", "1985-05-05", "--residence-basis", "refugee",
             "--permit-date", "2025-06-01"]  # fmt: skip
    assert nir("person", "add", *other).returncode == 0
    store = home / "data" / "test.db"
    _damage_persons_page(store)
    assert len(json.loads(nir("person", "list", "--format", "json").stdout)) == 1  # silent
    out = tmp_path / "out.csv"
    commands = {
        "status --check": ["status", "--check"],
        "export": ["export", "persons", "-o", str(out)],
        "report": ["report", "timeliness"],
        "sync": ["sync"],
    }
    for name, args in commands.items():
        result = nir(*args)
        assert result.returncode == 78, (name, result.stderr)
        assert f"the store at {store} is damaged" in result.stderr, name
        assert "restore the file from a backup" in result.stderr, name
    assert not out.exists()
    assert nir("status").returncode == 0  # without --check, a plain read is not checked


def test_a_birth_date_before_1900_or_after_today_is_refused_and_the_edges_kept(
    nir: Nir, home: Path
) -> None:
    import datetime as dt

    today = dt.date.today()
    cases = {
        "1899-12-31": 65,
        "1900-01-01": 0,
        today.isoformat(): 0,
        (today + dt.timedelta(days=1)).isoformat(): 65,
    }
    for serial, (day, code) in enumerate(cases.items()):
        result = nir(
            "person", "add", "--duf", synthetic_duf(2020, 900 + serial),
            "--first-name", "A", "--last-name", "B",
            "--birth-date", day, "--residence-basis", "asylum_seeker", "--accept-unchecked-duf",
        )  # fmt: skip
        assert result.returncode == code, (day, result.stderr)
        if code:
            assert "--birth-date" in result.stderr
