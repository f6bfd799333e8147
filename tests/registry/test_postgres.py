"""What only the PostgreSQL registry must prove: no global lock (batches of two municipalities
never wait for each other; two touching one person do), exactly-once when one batch reaches two
app processes at once, a change feed that never skips a change committed late (and the proof
that a plain sequence would), several app processes on one database, and kill -9 of one of
them mid-batch while another serves.

A transaction is held open before it commits through `PgScoped._before_commit`, the one seam
the storage leaves for it: the timing of two commits cannot be caused otherwise."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from nir_cli.registry.server import start_process
from nir_cli.registry.storage import open_storage
from nir_cli.registry.validation import Validator
from nir_cli.wire import BatchIn, Role
from tests.registry.conftest import (
    PASSWORD,
    batch,
    claim_record,
    free_port,
    person_record,
)

pytest.importorskip("psycopg")
from nir_cli.registry.storage.pg_records import PgScoped
from nir_cli.registry.storage.postgres import PostgresStorage

VALIDATOR = Validator(allow_synthetic=True)
WAIT = 1.5  # seconds a push that must wait is given to show it does not


@pytest.fixture
def storage(postgres_url: str) -> Iterator[PostgresStorage]:
    opened = PostgresStorage(postgres_url)
    try:
        yield opened
    finally:
        opened.close()


class Held(PgScoped):
    """A push that stops just before it commits until `release` is set."""

    def __init__(self, conn: Any, municipality: str, waiting: threading.Event) -> None:
        super().__init__(conn, municipality)
        self.waiting = waiting
        self.release = threading.Event()

    def _before_commit(self) -> None:
        self.waiting.set()
        assert self.release.wait(30)


class Naive(PgScoped):
    """The change feed as a plain sequence would number it: at once, not in commit order."""

    def _allocate(self, municipality: str, count: int) -> int:
        assert count == 1
        return int(self.conn.execute("SELECT nextval('naive_feed') AS n").fetchone()["n"])


class NaiveHeld(Naive, Held):
    pass


def _push(storage: PostgresStorage, scoped_class: type[PgScoped] | None, body: dict[str, Any],
          municipality: str = "5001", out: dict[str, Any] | None = None,
          **held: Any) -> threading.Thread:  # fmt: skip
    """Push `body` in a thread of its own (its own pooled connection); its answer lands in
    `out["answer"]`, and with a Held class, the scoped view in `out["scoped"]`."""
    out = {} if out is None else out

    def run() -> None:
        with storage.session() as session:
            if scoped_class is None:
                scoped = session.scoped(municipality)
            else:
                scoped = scoped_class(session.conn, municipality, **held)
            out["scoped"] = scoped
            prepared = scoped.prepare(BatchIn.model_validate(body), VALIDATOR)
            out["answer"] = scoped.push(prepared, "5001-sync")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _pull_all(storage: PostgresStorage, after: int, municipality: str = "5001") -> tuple[
    list[str], int
]:  # fmt: skip
    with storage.session() as session:
        changes, cursor = session.scoped(municipality).changes(after, 1000)
    return [c.id for c in changes], cursor


def _late_commit_then_pull(
    storage: PostgresStorage, scoped_class: type[Held], other_class: type[PgScoped] | None = None
) -> set[str]:
    """Batch A takes its change number, then waits before committing; batch B (same
    municipality, another person) is pushed meanwhile; a client pulls, then A commits and the
    client pulls on from its cursor. The ids the client ever saw."""
    first, second = person_record(), person_record()
    waiting = threading.Event()
    a: dict[str, Any] = {}
    thread_a = _push(storage, scoped_class, batch(first), out=a, waiting=waiting)
    assert waiting.wait(10)
    b: dict[str, Any] = {}
    thread_b = _push(storage, other_class, batch(second), out=b)
    thread_b.join(WAIT)  # with the counter, B waits for A's commit: it does not finish here
    seen, cursor = _pull_all(storage, 0)
    a["scoped"].release.set()
    thread_a.join(10)
    thread_b.join(10)
    more, __ = _pull_all(storage, cursor)
    return set(seen) | set(more)


def test_a_plain_sequence_would_let_a_pull_skip_a_change_for_ever(
    storage: PostgresStorage,
) -> None:
    """Why the feed is numbered by a counter locked until commit: with numbers taken early, a
    pull can read past a number that a slower transaction fills in later."""
    with storage.session() as session:
        session.conn.execute("CREATE SEQUENCE naive_feed")
    seen = _late_commit_then_pull(storage, NaiveHeld, Naive)
    with storage.session() as session:
        stored = {row["record_id"] for row in session.query("SELECT record_id FROM changes")}
    assert len(stored) == 2
    assert stored - seen, "the naive feed should have skipped the late commit"


def test_the_change_feed_never_skips_a_change_committed_late(storage: PostgresStorage) -> None:
    seen = _late_commit_then_pull(storage, Held)
    with storage.session() as session:
        stored = {row["record_id"] for row in session.query("SELECT record_id FROM changes")}
        seqs = [row["seq"] for row in session.query("SELECT seq FROM changes ORDER BY seq")]
    assert len(stored) == 2
    assert seen == stored
    assert seqs == [1, 2]


def test_batches_of_two_municipalities_never_wait_for_each_other(
    storage: PostgresStorage,
) -> None:
    waiting = threading.Event()
    held: dict[str, Any] = {}
    thread_a = _push(storage, Held, batch(person_record("5001")), out=held, waiting=waiting)
    assert waiting.wait(10)
    other: dict[str, Any] = {}
    started = time.monotonic()
    thread_b = _push(storage, None, batch(person_record("0301")), "0301", out=other)
    thread_b.join(WAIT)
    took = time.monotonic() - started
    held["scoped"].release.set()
    thread_a.join(10)
    assert not thread_b.is_alive(), "Oslo's batch waited for Trondheim's"
    assert '"status":"accepted"' in other["answer"]
    assert took < WAIT


def test_two_batches_touching_one_person_are_stored_one_after_the_other(
    storage: PostgresStorage,
) -> None:
    person = person_record()
    first = claim_record(person["id"])
    again = {**first, "version": 2, "base_version": 1}
    assert '"status":"accepted"' in _run(storage, batch(person))
    waiting = threading.Event()
    held: dict[str, Any] = {}
    thread_a = _push(storage, Held, batch(first), out=held, waiting=waiting)
    assert waiting.wait(10)
    later: dict[str, Any] = {}
    thread_b = _push(storage, None, batch(again), out=later)
    thread_b.join(WAIT)
    assert thread_b.is_alive(), "a batch on the same person did not wait"
    held["scoped"].release.set()
    thread_a.join(10)
    thread_b.join(10)
    # B saw A's version 1 committed: its version 2 follows it.
    assert '"status":"accepted"' in later["answer"]
    with storage.session() as session:
        versions = session.query(
            "SELECT version FROM record_versions WHERE id = ? ORDER BY version", [first["id"]]
        )
    assert [row["version"] for row in versions] == [1, 2]


def test_one_batch_reaching_two_app_processes_at_once_is_stored_once(
    storage: PostgresStorage,
) -> None:
    body = batch(person_record(), person_record())
    waiting = threading.Event()
    first: dict[str, Any] = {}
    thread_a = _push(storage, Held, body, out=first, waiting=waiting)
    assert waiting.wait(10)
    second: dict[str, Any] = {}
    thread_b = _push(storage, None, body, out=second)
    thread_b.join(WAIT)
    assert thread_b.is_alive(), "the same batch did not wait for its twin"
    first["scoped"].release.set()
    thread_a.join(10)
    thread_b.join(10)
    assert second["answer"] == first["answer"]
    with storage.session() as session:
        assert session.one("SELECT count(*) AS n FROM batches") == {"n": 1}
        assert session.one("SELECT count(*) AS n FROM record_versions") == {"n": 2}


def _run(storage: PostgresStorage, body: dict[str, Any]) -> str:
    out: dict[str, Any] = {}
    _push(storage, None, body, out=out).join(30)
    return str(out["answer"])


# -- several app processes on one database --------------------------------------------------


@pytest.fixture
def processes(postgres_url: str, tmp_path: Path) -> Iterator[list[Any]]:
    """Three `nir registry serve` processes on one PostgreSQL schema, started at once (each
    migrates under the advisory lock, or waits and finds it done)."""
    env = {**os.environ, "NIR_HOME": str(tmp_path)}
    ports = [free_port() for _ in range(3)]
    starting: list[Any] = [None, None, None]

    def start(index: int) -> None:
        starting[index] = start_process(postgres_url, ports[index], env)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        yield [(f"http://127.0.0.1:{port}", process) for port, process in zip(
            ports, starting, strict=True)]  # fmt: skip
    finally:
        for process in starting:
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(30)


@pytest.mark.slow
def test_several_app_processes_store_every_record_once_and_no_pull_skips(
    processes: list[Any], postgres_url: str
) -> None:
    urls = [url for url, __ in processes]
    storage = PostgresStorage(postgres_url)
    try:
        with storage.session() as session:
            from nir_cli.registry import accounts

            accounts.create_user(session, "5001-sync", PASSWORD, "5001", None, Role.TRANSFER)
            accounts.create_user(session, "0301-sync", PASSWORD, "0301", None, Role.TRANSFER)
    finally:
        storage.close()
    people = {m: [person_record(m) for __ in range(12)] for m in ("5001", "0301")}
    claims = {
        m: [claim_record(p["id"], date=f"2025-07-{1 + i % 28:02d}") for i, p in enumerate(ps)]
        for m, ps in people.items()
    }
    errors: list[BaseException] = []
    pulled: dict[str, set[str]] = {"5001": set(), "0301": set()}
    done = threading.Event()

    def login(url: str, municipality: str) -> requests.Session:
        session = requests.Session()
        token = session.post(
            f"{url}/v1/token",
            json={"username": f"{municipality}-sync", "password": PASSWORD},
            timeout=30,
        ).json()["access_token"]
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    def client(seed: int, municipality: str) -> None:
        try:
            rng = random.Random(seed)
            sessions = [login(url, municipality) for url in urls]
            for __ in range(8):
                chosen = rng.sample(people[municipality] + claims[municipality], 10)
                chosen.sort(key=lambda r: r["entity"] != "person")  # persons before claims
                answer = rng.choice(sessions).post(
                    f"{rng.choice(urls)}/v1/batches", json=batch(*chosen), timeout=60
                )
                assert answer.status_code == 200, answer.text
        except BaseException as exc:
            errors.append(exc)

    def puller(municipality: str) -> None:
        try:
            session = login(urls[0], municipality)
            cursor = 0
            while True:
                finished = done.is_set()
                page = session.get(
                    f"{random.choice(urls)}/v1/changes?after={cursor}&limit=7", timeout=30
                ).json()
                pulled[municipality] |= {c["id"] for c in page["changes"]}
                cursor = page["next_cursor"]
                if finished and not page["changes"]:
                    return
        except BaseException as exc:
            errors.append(exc)

    clients = [
        threading.Thread(target=client, args=(seed, m))
        for seed in range(3)
        for m in ("5001", "0301")
    ]
    pullers = [threading.Thread(target=puller, args=(m,)) for m in ("5001", "0301")]
    for thread in clients + pullers:
        thread.start()
    for thread in clients:
        thread.join(120)
    done.set()
    for thread in pullers:
        thread.join(60)
    assert not errors, errors[0]
    storage = PostgresStorage(postgres_url)
    try:
        with storage.session() as session:
            twice = session.query(
                "SELECT id, version, count(*) AS n FROM record_versions "
                "GROUP BY id, version HAVING count(*) > 1"
            )
            stored = session.query("SELECT id, municipality, version FROM records")
            latest = session.query("SELECT id, max(version) AS v FROM record_versions GROUP BY id")
            feeds = session.query(
                "SELECT municipality, count(*) AS n, max(seq) AS top FROM changes "
                "GROUP BY municipality"
            )
    finally:
        storage.close()
    assert twice == []
    assert {r["id"]: r["version"] for r in stored} == {r["id"]: r["v"] for r in latest}
    for municipality in ("5001", "0301"):
        mine = {r["id"] for r in stored if r["municipality"] == municipality}
        assert pulled[municipality] == mine  # every record's change reached the puller
    assert all(row["n"] == row["top"] for row in feeds)  # numbered 1..n, no gaps


@pytest.mark.slow
def test_kill_9_of_one_app_process_mid_batch_while_another_serves(
    postgres_url: str, tmp_path: Path
) -> None:
    """The first process holds every batch's transaction open for two seconds, its rows
    written (the commit_delay fault): it is killed with SIGKILL inside one. The database rolls
    that transaction back; the second process keeps serving, and the batch, sent again there,
    is stored once, nothing of the killed attempt left behind."""
    env = {**os.environ, "NIR_HOME": str(tmp_path)}
    slow_port, fast_port = free_port(), free_port()
    slow = start_process(
        postgres_url, slow_port, {**env, "NIR_REGISTRY_FAULTS": "commit_delay=3.0"}
    )
    fast = start_process(postgres_url, fast_port, env)
    try:
        storage = open_storage(postgres_url)
        with storage.session() as session:
            from nir_cli.registry import accounts

            accounts.create_user(session, "5001-sync", PASSWORD, "5001", None, Role.TRANSFER)
        storage.close()
        body = batch(*(person_record() for __ in range(50)))

        def token(port: int) -> str:
            return str(
                requests.post(
                    f"http://127.0.0.1:{port}/v1/token",
                    json={"username": "5001-sync", "password": PASSWORD},
                    timeout=30,
                ).json()["access_token"]
            )

        headers = {"Authorization": f"Bearer {token(fast_port)}"}
        failed: list[BaseException] = []

        def send_to_slow() -> None:
            try:
                requests.post(
                    f"http://127.0.0.1:{slow_port}/v1/batches",
                    json=body,
                    headers=headers,
                    timeout=30,
                )
            except requests.RequestException as exc:
                failed.append(exc)

        sender = threading.Thread(target=send_to_slow)
        sender.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _in_transaction(postgres_url):
            time.sleep(0.05)  # until the slow process is inside the batch's transaction
        assert _in_transaction(postgres_url), "the batch never started"
        slow.send_signal(signal.SIGKILL)
        slow.wait(10)
        sender.join(30)
        assert failed, "the killed process answered"
        answer = requests.post(
            f"http://127.0.0.1:{fast_port}/v1/batches", json=body, headers=headers, timeout=30
        )
        assert answer.status_code == 200
        assert {r["status"] for r in answer.json()["results"]} == {"accepted"}
        storage = open_storage(postgres_url)
        try:
            with storage.session() as session:
                assert session.one("SELECT count(*) AS n FROM records") == {"n": 50}
                assert session.one("SELECT count(*) AS n FROM batches") == {"n": 1}
        finally:
            storage.close()
    finally:
        for process in (slow, fast):
            if process.poll() is None:
                process.terminate()
                process.wait(30)


def _in_transaction(url: str) -> bool:
    """Whether a connection of this database sits inside a transaction that wrote rows."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        ).fetchone()
    return bool(row and row[0])


def test_a_database_that_cannot_be_reached_is_said_at_once_and_plainly() -> None:
    from nir_cli.core.errors import TemporaryFailure

    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match=r"does not answer: .*refused"):
        PostgresStorage("postgresql://nobody:secret@127.0.0.1:1/nir")
    assert time.monotonic() - started < 5
    with pytest.raises(TemporaryFailure) as raised:
        PostgresStorage("postgresql://nobody:secret@127.0.0.1:1/nir")
    assert "secret" not in str(raised.value)  # the password never shows


def test_a_database_that_is_not_nirs_is_refused_not_half_made(postgres_url: str) -> None:
    import psycopg

    from nir_cli.core.errors import StoreUnusable

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")  # someone else's
    with pytest.raises(StoreUnusable, match="cannot be set up"):
        PostgresStorage(postgres_url)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE "
                                             "schemaname = current_schema()")}  # fmt: skip
    assert "records" not in tables  # the failed migration left nothing of its own


def test_a_check_waits_for_nobody(storage: PostgresStorage) -> None:
    """validate_only writes nothing, so it takes no feed number and waits on no batch."""
    waiting = threading.Event()
    held: dict[str, Any] = {}
    thread_a = _push(storage, Held, batch(person_record()), out=held, waiting=waiting)
    assert waiting.wait(10)
    checked: dict[str, Any] = {}
    thread_b = _push(storage, None, batch(person_record(), validate_only=True), out=checked)
    thread_b.join(WAIT)
    held["scoped"].release.set()
    thread_a.join(10)
    assert not thread_b.is_alive(), "a validate-only batch waited for another batch"
    assert '"validate_only":true' in checked["answer"]
