"""Registry push throughput over HTTP against inserting the same rows straight into SQLite.

Starts `nir registry serve` on a free loopback port, pushes N registrations (default 100,000,
for N/20 synthetic persons) in batches, then in the same run inserts the same records into a
fresh registry database directly: the rows the registry would store (record, version, change,
answer), already validated. Prints both rates and their ratio. Target: HTTP >= 0.5x direct.

    python bench/registry_bench.py [--records 100000] [--batch 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from nir_cli.registry.plan import canonical
from nir_cli.registry.server import init_admin, start_process
from nir_cli.registry.storage import RegistryDB, now
from nir_cli.sandbox.synthetic import people
from nir_cli.wire import RecordIn

PASSWORD = "bench-password-1"


def records(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    persons, registrations = [], []
    for p in people(max(1, count // 20), seed=4, today=dt.date(2026, 1, 1)):
        pid = str(uuid.uuid4())
        persons.append(
            {
                "entity": "person",
                "id": pid,
                "version": 1,
                "body": {
                    "duf": p.duf,
                    "fnr": p.fnr,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "birth_date": p.birth_date.isoformat(),
                    "residence_basis": p.residence_basis,
                    "permit_date": p.permit_date.isoformat(),
                    "regime": "integreringsloven",
                    "municipality": "5001",
                },
            }
        )
        for month in range(1, 21):
            period = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
            registrations.append(
                {
                    "entity": "registration",
                    "id": str(uuid.uuid4()),
                    "version": 1,
                    "person_id": pid,
                    "body": {
                        "kind": "hours",
                        "fact_date": f"{period}-28",
                        "scheme": "training",
                        "period": period,
                        "norwegian_hours": 40.0,
                        "social_studies_hours": 4.0,
                    },
                }
            )
    return persons, registrations[:count]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def over_http(folder: Path, persons: list[Any], regs: list[Any], size: int) -> float:
    env = {**os.environ, "NIR_HOME": str(folder)}
    db = folder / "http.db"
    init_admin(db, "5001", "bench", PASSWORD, None)
    port = free_port()
    server = start_process(db, port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        s = requests.Session()
        token = s.post(
            f"{url}/v1/token", json={"username": "bench", "password": PASSWORD}, timeout=30
        ).json()["access_token"]
        s.headers["Authorization"] = f"Bearer {token}"
        for start in range(0, len(persons), size):
            s.post(
                f"{url}/v1/batches",
                json={
                    "idempotency_key": str(uuid.uuid4()),
                    "records": persons[start : start + size],
                },
                timeout=120,
            ).raise_for_status()
        began = time.perf_counter()
        for start in range(0, len(regs), size):
            answer = s.post(
                f"{url}/v1/batches",
                json={"idempotency_key": str(uuid.uuid4()), "records": regs[start : start + size]},
                timeout=120,
            )
            answer.raise_for_status()
            bad = [r for r in answer.json()["results"] if r["status"] != "accepted"]
            if bad:
                sys.exit(f"the registry refused records: {bad[:3]}")
        return time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(30)


def direct(folder: Path, regs: list[Any], size: int) -> float:
    registry = RegistryDB(folder / "direct.db")
    with registry.session() as store:
        began = time.perf_counter()
        for start in range(0, len(regs), size):
            received = now()
            batch_id = str(uuid.uuid4())
            with store.write() as conn:
                for raw in regs[start : start + size]:
                    rec = RecordIn.model_validate(raw)
                    # The body and hash exactly as the registry stores them.
                    record_hash, body = canonical(rec)
                    seq = conn.execute(
                        "INSERT INTO changes (municipality, record_id, version) "
                        "VALUES ('5001', ?, 1)",
                        (rec.id,),
                    ).lastrowid
                    conn.execute(
                        "INSERT INTO records (id, municipality, entity, person_id, version, body, "
                        "registry_date, seq) VALUES (?, '5001', ?, ?, 1, ?, ?, ?)",
                        (rec.id, rec.entity.value, rec.person_id, body, received[:10], seq),
                    )
                    conn.execute(
                        "INSERT INTO record_versions (id, version, body, withdrawn, received_at, "
                        "batch_id, username) VALUES (?, 1, ?, 0, ?, ?, 'bench')",
                        (rec.id, body, received, batch_id),
                    )
                    conn.execute(
                        "INSERT INTO record_answers (id, version, record_hash, answer) "
                        "VALUES (?, 1, ?, '')",
                        (rec.id, record_hash),
                    )
        return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    persons, regs = records(args.records)
    with tempfile.TemporaryDirectory(prefix="nir-registry-bench-") as name:
        folder = Path(name)
        http = over_http(folder, persons, regs, args.batch)
        bare = direct(folder, regs, args.batch)
    http_rate, direct_rate = len(regs) / http, len(regs) / bare
    print(f"records                {len(regs):>10,} in batches of {args.batch}")
    print(f"HTTP push (validated)  {http_rate:>10,.0f} records/s ({http:.1f} s)")
    print(f"direct insert          {direct_rate:>10,.0f} records/s ({bare:.1f} s)")
    print(f"ratio                  {http_rate / direct_rate:>10.2f}   (target >= 0.5)")
    return 0 if http_rate / direct_rate >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
