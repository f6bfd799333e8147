"""Parallel clients, the fault switch, and a graceful SIGTERM, against a real uvicorn."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from nir_cli.registry.faults import Faults
from nir_cli.registry.server import start_process
from nir_cli.registry.storage import open_storage
from nir_cli.wire import Role
from tests.registry.conftest import (
    PASSWORD,
    Registry,
    batch,
    claim_record,
    free_port,
    new_id,
    person_record,
    run_registry,
)


def test_four_clients_pushing_overlapping_batches_store_each_record_once(
    registry: Registry,
) -> None:
    four_clients_pushing_overlapping_batches(registry)


@pytest.mark.slow
def test_two_worker_processes_store_each_record_once_and_answer_alike(
    tmp_path: Path, registry_database: str
) -> None:
    """`nir registry serve --workers 2`: the batches of four clients land on either process,
    are stored once each, and a batch resent (to whichever process) answers as before."""
    db = registry_database
    open_storage(db).close()
    port = free_port()
    server = start_process(db, port, {**os.environ, "NIR_HOME": str(tmp_path)}, workers=2)
    served = Registry(f"http://127.0.0.1:{port}", open_storage(db))
    try:
        four_clients_pushing_overlapping_batches(served)
        s = served.login("5001-sync")
        body = batch(person_record())
        first = s.post(f"{served.url}/v1/batches", json=body, timeout=30).json()
        again = [s.post(f"{served.url}/v1/batches", json=body, timeout=30).json() for _ in range(6)]
        assert all(answer == first for answer in again)
        with served.db.session() as store:
            seqs = [row["seq"] for row in store.query("SELECT seq FROM changes ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))  # one change each, in commit order
    finally:
        server.terminate()
        server.wait(30)
        served.db.close()


def four_clients_pushing_overlapping_batches(registry: Registry) -> None:
    registry.add_user("5001-sync", "5001", Role.TRANSFER)
    people = [person_record(duf=f"2024{900000 + i:06d}") for i in range(20)]
    for p in people:
        p["body"]["duf"] = p["body"]["duf"][:10] + _check(p["body"]["duf"][:10])
    claims = [
        claim_record(p["id"], date=f"2025-07-{1 + i % 28:02d}")
        for i, p in enumerate(people)
        for _ in range(3)
    ]
    push_people = registry.login("5001-sync")
    assert all(
        r["status"] == "accepted"
        for r in push_people.post(
            f"{registry.url}/v1/batches", json=batch(*people), timeout=30
        ).json()["results"]
    )
    answers: list[dict] = []  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def client(seed: int) -> None:
        try:
            s = registry.login("5001-sync")
            rng = random.Random(seed)
            for _ in range(6):
                chosen = rng.sample(claims, 25)  # overlapping subsets, in different orders
                answers.extend(
                    s.post(f"{registry.url}/v1/batches", json=batch(*chosen), timeout=30).json()[
                        "results"
                    ]
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {a["status"] for a in answers} == {"accepted"}
    with registry.db.session() as store:
        per_record = store.query("SELECT id, count(*) AS n FROM record_versions GROUP BY id")
        changes = store.query("SELECT record_id, count(*) AS n FROM changes GROUP BY record_id")
    assert all(row["n"] == 1 for row in per_record)
    assert all(row["n"] == 1 for row in changes)
    sent = {a["id"] for a in answers}
    assert sent == {row["record_id"] for row in changes} - {p["id"] for p in people}


def _check(first_ten: str) -> str:
    from nir_cli.domain.identifiers import duf_check_digits

    return duf_check_digits(first_ten)


def test_fault_503_comes_with_retry_after(registry_database: str) -> None:
    for live in run_registry(registry_database, Faults(unavailable=1.0, retry_after=3)):
        live.add_user("5001-sync", "5001", Role.TRANSFER)
        s = live.login("5001-sync")  # logging in is never faulted
        answer = s.post(f"{live.url}/v1/batches", json=batch(person_record()), timeout=10)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "3"
        with live.db.session() as store:
            assert store.query("SELECT * FROM records") == []


def test_fault_drop_after_commit_drops_the_answer_but_keeps_the_batch(
    registry_database: str,
) -> None:
    for live in run_registry(registry_database, Faults(drop_after_commit=1.0)):
        live.add_user("5001-sync", "5001", Role.TRANSFER)
        s = live.login("5001-sync")
        record = person_record()
        with pytest.raises(requests.ConnectionError):
            s.post(f"{live.url}/v1/batches", json=batch(record), timeout=10)
        with live.db.session() as store:
            assert [r["id"] for r in store.query("SELECT id FROM records")] == [record["id"]]


def test_a_seed_given_while_serving_makes_the_faults_repeat(registry_database: str) -> None:
    """Tests turn the switch of a registry already running: a seed set then takes effect, so
    the same seed answers the same requests alike."""
    faults = Faults(unavailable=0.5)
    for live in run_registry(registry_database, faults):
        live.add_user("5001-sync", "5001", Role.TRANSFER)
        s = live.login("5001-sync")
        answers = {}
        for run, seed in enumerate((5, 6, 5)):
            faults.seed = seed
            answers[run] = [
                s.get(f"{live.url}/v1/changes", timeout=10).status_code for _ in range(12)
            ]
        assert answers[0] == answers[2]
        assert answers[1] != answers[0]  # another seed, other faults
        assert {503, 200} <= set(answers[0])


def test_fault_latency(registry_database: str) -> None:
    for live in run_registry(registry_database, Faults(latency=0.3)):
        live.add_user("5001-sync", "5001", Role.TRANSFER)
        s = live.login("5001-sync")
        start = time.perf_counter()
        s.get(f"{live.url}/v1/changes", timeout=10)
        assert time.perf_counter() - start >= 0.3


def test_faults_are_refused_off_loopback() -> None:
    from nir_cli.core.errors import ConfigError
    from nir_cli.registry.server import faults_from_env

    os.environ["NIR_REGISTRY_FAULTS"] = "unavailable=1"
    try:
        with pytest.raises(ConfigError, match=r"refused on 0\.0\.0\.0"):
            faults_from_env("0.0.0.0")
        assert faults_from_env("127.0.0.1") == Faults(unavailable=1.0)
    finally:
        del os.environ["NIR_REGISTRY_FAULTS"]


@pytest.mark.slow
def test_sigterm_finishes_the_batch_in_flight(tmp_path: Path, registry_database: str) -> None:
    """A slow batch is in flight when SIGTERM arrives: it is answered and stored."""
    env = {**os.environ, "NIR_HOME": str(tmp_path), "NIR_REGISTRY_FAULTS": "latency=1.0"}
    db = registry_database
    subprocess.run(
        [
            sys.executable,
            "-m",
            "nir_cli",
            "-q",
            "registry",
            "init-admin",
            "-m",
            "5001",
            "--username",
            "5001-ADMIN",
            "--password-stdin",
            "--db",
            str(db),
        ],
        input=PASSWORD,
        text=True,
        env=env,
        check=True,
    )
    port = free_port()
    server = start_process(db, port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        token = requests.post(
            f"{url}/v1/token", json={"username": "5001-ADMIN", "password": PASSWORD}, timeout=10
        ).json()["access_token"]
        record = person_record()
        result: dict = {}  # type: ignore[type-arg]

        def send() -> None:
            answer = requests.post(
                f"{url}/v1/batches",
                json=batch(record),
                timeout=30,
                headers={"Authorization": f"Bearer {token}"},
            )
            result["status"] = answer.status_code
            result["body"] = answer.json()

        sender = threading.Thread(target=send)
        started = time.monotonic()
        sender.start()
        time.sleep(0.4)
        server.send_signal(signal.SIGTERM)
        sender.join(30)
        # The fault switch held the batch for a second: SIGTERM came while it was in flight.
        assert time.monotonic() - started >= 1.0
        assert server.wait(30) in (0, -signal.SIGTERM)  # uvicorn re-raises it after shutdown
    finally:
        if server.poll() is None:
            server.kill()
    assert result["status"] == 200
    assert result["body"]["results"][0]["status"] == "accepted"
    storage = open_storage(db)
    try:
        with storage.session() as store:
            assert store.query("SELECT id FROM records") == [{"id": record["id"]}]
    finally:
        storage.close()


def test_new_ids_are_fine(registry: Registry) -> None:
    assert new_id() != new_id()
