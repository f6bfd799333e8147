"""A night at national scale: many municipalities pushing at once to 1, 2 and 4 app processes,
on PostgreSQL and on SQLite, against a direct insert of the same rows in the same run.

Each simulated municipality (a thread, as its cron job would be a process) pushes a night's
work: new persons, their registrations (claim, decision, start, monthly hours) and corrections
(a second version of some hours), in batches of at most 500, and times each batch. Printed per
backend and process count: aggregate records/s, p50/p99 batch latency, and the ratio to a
direct insert of the same rows into the same kind of database (one connection, one transaction
per batch, the rows as the registry stores them).

Then fairness, on PostgreSQL: a small municipality's batches alone, and again while four large
ones push LARGE records each; its p99 must stay within 2x.

    python bench/registry_scale.py [--municipalities 50] [--persons 20] [--processes 1,2,4]
        [--backends postgresql,sqlite] [--large 100000]

PostgreSQL: NIR_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); a
database of the bench's own is created there and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from nir_cli.domain.identifiers import duf_check_digits
from nir_cli.registry import accounts
from nir_cli.registry.plan import canonical
from nir_cli.registry.server import start_process
from nir_cli.registry.storage import now, open_storage
from nir_cli.wire import RecordIn, Role

PASSWORD = "bench-password-1"
BATCH = 500
ADMIN_URL = os.environ.get("NIR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def municipality_codes(count: int) -> list[str]:
    from nir_cli.domain.municipalities import all_municipalities

    return sorted(all_municipalities())[:count]


# Every person of a run its own synthetic DUF number (year 2020-2025, serial 900000 and up):
# the registry keeps one person per number, so a number drawn twice would be one person.
_SERIALS = itertools.count()


def _duf_digits() -> str:
    n = next(_SERIALS)
    return f"{2020 + n // 100000}{900000 + n % 100000:06d}"


def night(municipality: str, persons: int, seed: int) -> list[list[dict[str, Any]]]:
    """A municipality's night as batches: persons, registrations, corrections."""
    rng = random.Random(seed)
    people, regs, fixes = [], [], []
    for n in range(persons):
        pid = str(uuid.uuid4())
        first_ten = _duf_digits()
        people.append(
            {
                "entity": "person",
                "id": pid,
                "version": 1,
                "body": {
                    "duf": first_ten + duf_check_digits(first_ten),
                    "first_name": f"Navn{n}",
                    "last_name": "Nordmann",
                    "birth_date": "1990-01-15",
                    "residence_basis": "refugee",
                    "permit_date": "2024-06-01",
                    "regime": "integreringsloven",
                    "municipality": municipality,
                },
            }
        )

        def registration(body: dict[str, Any], pid: str = pid) -> dict[str, Any]:
            return {
                "entity": "registration",
                "id": str(uuid.uuid4()),
                "version": 1,
                "person_id": pid,
                "body": {"scheme": "training", **body},
            }

        regs.append(registration({"kind": "claim", "fact_date": "2024-07-01"}))
        regs.append(
            registration({"kind": "decision", "fact_date": "2024-08-01", "outcome": "granted"})
        )
        regs.append(registration({"kind": "start", "fact_date": "2024-09-02"}))
        for month in range(9, 21):
            period = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
            hours = registration(
                {
                    "kind": "hours",
                    "fact_date": f"{period}-28",
                    "period": period,
                    "norwegian_hours": 40.0,
                    "social_studies_hours": 4.0,
                }
            )
            regs.append(hours)
            if rng.random() < 0.1:
                fixes.append(
                    {
                        **hours,
                        "version": 2,
                        "base_version": 1,
                        "body": {**hours["body"], "norwegian_hours": 38.0},
                    }
                )
    batches = []
    for group in (people, regs, fixes):
        batches += [group[i : i + BATCH] for i in range(0, len(group), BATCH)]
    return batches


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"nir_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh(backend: str, folder: Path, pg_database: str | None) -> Iterator[str]:
    """A fresh registry database: a SQLite file, or a schema of its own in the bench's
    PostgreSQL database."""
    if backend == "sqlite":
        yield str(folder / f"{uuid.uuid4().hex[:8]}.db")
        return
    import psycopg

    assert pg_database is not None
    schema = f"s_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg_database}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(pg_database, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


TOKENS: dict[str, str] = {}


def with_users(location: str, codes: list[str]) -> None:
    """A transfer user per municipality and a machine token for each (TOKENS), issued by the
    registry itself: 50 logins from one loopback address would meet the login rate limit, and
    logging in is not what this bench measures."""
    storage = open_storage(location)
    try:
        with storage.session() as session:
            for code in codes:
                session.accounts.add_user(f"{code}-sync", code, None, Role.TRANSFER.value, HASH)
                TOKENS[code], __ = accounts.issue_token(
                    session, f"{code}-sync", "machine", "bench", dt.timedelta(hours=2)
                )
    finally:
        storage.close()


HASH = accounts.hash_password(PASSWORD)


def push_all(url: str, work: dict[str, list[list[dict[str, Any]]]]) -> dict[str, Any]:
    """Every municipality's batches, each municipality in a thread of its own, all logged in
    first and set off together; the latency of every batch, by municipality, and the wall time
    from the start to the last answer ("wall")."""
    latencies: dict[str, Any] = {code: [] for code in work}
    errors: list[str] = []
    start = threading.Barrier(len(work) + 1)

    def municipality(code: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {TOKENS[code]}"
        start.wait()
        for records in work[code]:
            began = time.perf_counter()
            answer = session.post(
                f"{url}/v1/batches",
                json={"idempotency_key": str(uuid.uuid4()), "records": records},
                timeout=600,
            )
            latencies[code].append(time.perf_counter() - began)
            if answer.status_code != 200:
                errors.append(f"{code}: {answer.status_code} {answer.text[:200]}")
                return
            refused = [r for r in answer.json()["results"] if r["status"] != "accepted"]
            if refused:
                errors.append(f"{code}: {refused[:2]}")
                return

    threads = [threading.Thread(target=municipality, args=(code,)) for code in work]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    latencies["wall"] = time.perf_counter() - began
    if errors:
        sys.exit(f"the registry refused work: {errors[:3]}")
    return latencies


def over_http(location: str, work: dict[str, Any], processes: int, folder: Path) -> dict[str, Any]:
    with_users(location, list(work))
    port = free_port()
    env = {**os.environ, "NIR_HOME": str(folder)}
    server = start_process(location, port, env, workers=processes)
    try:
        latencies = push_all(f"http://127.0.0.1:{port}", work)
    finally:
        server.terminate()
        server.wait(60)
    wall = latencies.pop("wall")
    every = sorted(x for xs in latencies.values() for x in xs)
    return {"wall": wall, "p50": percentile(every, 50), "p99": percentile(every, 99)}


def direct(location: str, work: dict[str, list[list[dict[str, Any]]]], backend: str) -> float:
    """The same rows straight into the same kind of database: one connection, a transaction
    per batch, each row as the registry stores it (its body and hash by `canonical`)."""
    storage = open_storage(location)
    try:
        with storage.session() as session:
            seqs: dict[str, int] = {}
            began = time.perf_counter()
            for code, batches in work.items():
                for records in batches:
                    received, batch_id = now(), str(uuid.uuid4())
                    rows = []
                    for raw in records:
                        rec = RecordIn.model_validate(raw)
                        record_hash, body = canonical(rec)
                        # PostgreSQL numbers each municipality's feed; SQLite one feed for all.
                        feed = code if backend == "postgresql" else "all"
                        seqs[feed] = seqs.get(feed, 0) + 1
                        rows.append((rec, record_hash, body, seqs[feed]))
                    with session.write() as conn:
                        conn.executemany(
                            "INSERT INTO changes (municipality, seq, record_id, version) "
                            "VALUES (?, ?, ?, ?)",
                            [(code, seq, rec.id, rec.version) for rec, _, _, seq in rows],
                        )
                        conn.executemany(
                            "INSERT INTO records (id, municipality, entity, person_id, version, "
                            "body, registry_date, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                            "body = excluded.body, seq = excluded.seq",
                            [
                                (rec.id, code, rec.entity.value, rec.person_id, rec.version, body,
                                 received[:10], seq)
                                for rec, _, body, seq in rows
                            ],
                        )  # fmt: skip
                        conn.executemany(
                            "INSERT INTO record_versions (id, version, body, withdrawn, "
                            "received_at, batch_id, username) VALUES (?, ?, ?, 0, ?, ?, 'bench')",
                            [(rec.id, rec.version, body, received, batch_id)
                             for rec, _, body, _ in rows],
                        )  # fmt: skip
                        conn.executemany(
                            "INSERT INTO record_answers (id, version, record_hash, answer) "
                            "VALUES (?, ?, ?, '')",
                            [(rec.id, rec.version, h) for rec, h, _, _ in rows],
                        )
            return time.perf_counter() - began
    finally:
        storage.close()


def percentile(values: list[float], p: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def fairness(location: str, large: int, folder: Path, processes: int) -> tuple[float, float]:
    """A small municipality's p99 batch latency alone, then beside four large ones pushing
    `large` records each."""
    small = night("1103", 10, 1) * 4  # 10 persons' night, four times over (new ids each time)
    small = _renumbered(small)
    big = {
        code: night(code, max(1, large // 15), 100 + i)
        for i, code in enumerate(("0301", "4601", "5001", "3301"))
    }
    with_users(location, ["1103", *big])
    port = free_port()
    env = {**os.environ, "NIR_HOME": str(folder)}
    server = start_process(location, port, env, workers=processes)
    try:
        url = f"http://127.0.0.1:{port}"
        alone = push_all(url, {"1103": small})["1103"]
        result: dict[str, list[float]] = {}

        def the_small_one() -> None:
            time.sleep(2.0)  # the large ones are well under way
            result.update(push_all(url, {"1103": _renumbered(small)}))

        watcher = threading.Thread(target=the_small_one)
        watcher.start()
        push_all(url, big)
        watcher.join()
    finally:
        server.terminate()
        server.wait(60)
    return percentile(sorted(alone), 99), percentile(sorted(result["1103"]), 99)


def _renumbered(batches: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The same work under new ids (a record and its corrections keep one id between them,
    persons and their registrations stay together), round by round of repeated persons."""
    out = []
    ids: dict[str, str] = {}
    for batch in batches:
        if batch and batch[0]["entity"] == "person":
            ids = {}  # a new round: new persons
        renamed = []
        for r in batch:
            record = {**r, "id": ids.setdefault(r["id"], str(uuid.uuid4()))}
            if r["entity"] == "person":  # a new person: a number of its own too
                first_ten = _duf_digits()
                record["body"] = {**r["body"], "duf": first_ten + duf_check_digits(first_ten)}
            if r.get("person_id"):
                record["person_id"] = ids.setdefault(r["person_id"], str(uuid.uuid4()))
            renamed.append(record)
        out.append(renamed)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--persons", type=int, default=20, help="new persons per municipality")
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--large", type=int, default=100_000, help="records per large one")
    args = parser.parse_args()
    codes = municipality_codes(args.municipalities)
    work = {code: night(code, args.persons, seed) for seed, code in enumerate(codes)}
    total = sum(len(b) for batches in work.values() for b in batches)
    print(f"{len(codes)} municipalities, {total:,} records, batches of at most {BATCH}")
    backends = args.backends.split(",")
    ok = True
    with tempfile.TemporaryDirectory(prefix="nir-scale-") as name:
        folder = Path(name)
        context = postgres_database() if "postgresql" in backends else _none()
        with context as pg:
            for backend in backends:
                with fresh(backend, folder, pg) as location:
                    bare = direct(location, work, backend)
                direct_rate = total / bare
                print(f"\n{backend}: direct insert {direct_rate:,.0f} records/s")
                print("  processes  records/s   p50 batch   p99 batch   ratio to direct")
                for processes in (int(p) for p in args.processes.split(",")):
                    with fresh(backend, folder, pg) as location:
                        run = over_http(location, work, processes, folder)
                    rate = total / run["wall"]
                    print(
                        f"  {processes:>9}  {rate:>9,.0f}  {run['p50'] * 1000:>8.0f} ms"
                        f"  {run['p99'] * 1000:>8.0f} ms  {rate / direct_rate:>8.2f}"
                    )
                    if backend == "postgresql" and rate / direct_rate < 0.5:
                        ok = False
            if "postgresql" in backends and args.large:
                with fresh("postgresql", folder, pg) as location:
                    alone, crowded = fairness(location, args.large, folder, 4)
                print(
                    f"\nfairness (postgresql, 4 processes): a small municipality's p99 batch "
                    f"{alone * 1000:.0f} ms alone, {crowded * 1000:.0f} ms beside four pushing "
                    f"{args.large:,} records each: {crowded / alone:.2f}x (target <= 2)"
                )
                ok = ok and crowded / alone <= 2
    return 0 if ok else 1


@contextmanager
def _none() -> Iterator[None]:
    yield None


if __name__ == "__main__":
    sys.exit(main())
