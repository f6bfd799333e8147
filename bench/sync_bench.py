"""`nir sync` push throughput against the registry's direct insert rate, in the same run.

Imports N synthetic registrations (default 100,000) into a store once. Then, for each round
(default 3): a fresh copy of that store and a fresh registry, `nir registry serve --workers 2`
(two processes, as a registry on a two-core machine would run) on a free loopback port,
`nir sync --push-only` timed, and the same records inserted straight into another
fresh registry database (as bench/registry_bench.py does), one transaction per batch of the
same size as nir sync's. Each round prints both rates and their ratio; the verdict is the median
round's ratio, since this machine's speed drifts between runs. Target: >= 0.5x.

    python bench/sync_bench.py [--records 100000] [--rounds 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry_bench import PASSWORD, direct, free_port

from nir_cli.core.constants import SYNC_BATCH_SIZE
from nir_cli.registry.server import init_admin, start_process
from nir_cli.sandbox.synthetic import SyntheticPerson, people

PROFILE = "test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument(
        "--batch", type=int, default=SYNC_BATCH_SIZE, help="records per batch, for both"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="registry worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nir-sync-bench-") as name:
        folder = Path(name)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
            "NIR_HOME": str(folder / "home"),
        }
        nir = [sys.executable, "-m", "nir_cli", "-q"]
        store = prepare(folder, nir, env, args.records)
        ratios = []
        for number in range(1, args.rounds + 1):
            sent, elapsed, pushed = push_round(folder / f"round-{number}", nir, env, store, args)
            bare = direct(folder / f"round-{number}" / "reference", pushed, args.batch)
            ours, reference = sent / elapsed, sent / bare
            ratios.append(ours / reference)
            print(
                f"round {number}: nir sync --push-only {ours:>7,.0f} records/s ({elapsed:.1f} s), "
                f"direct insert {reference:>7,.0f} records/s ({bare:.1f} s), "
                f"ratio {ours / reference:.2f}"
            )
    median = statistics.median(ratios)
    print(f"records pushed by nir sync  {sent:>10,} (persons and registrations) a round")
    print(f"registry worker processes   {args.workers:>10}")
    print(f"ratio, median of {len(ratios)} rounds {median:>8.2f}   (target >= 0.5)")
    return 0 if median >= 0.5 else 1


def prepare(folder: Path, nir: list[str], env: dict[str, str], records: int) -> Path:
    """A store holding `records` hours registrations of records/20 persons, none sent; a copy
    of it, with nothing in a write-ahead log beside it."""
    subprocess.run(
        [*nir, "--profile", PROFILE, "init", "-m", "5001", "--registry", "http://127.0.0.1:9"],
        env=env,
        check=True,
    )
    persons, hours = folder / "persons.csv", folder / "hours.csv"
    with persons.open("w", newline="") as pf, hours.open("w", newline="") as hf:
        pw, hw = csv.writer(pf), csv.writer(hf)
        pw.writerow(SyntheticPerson.CSV_HEADER)
        hw.writerow(["duf", "date", "period", "norwegian_hours"])
        for p in people(max(1, records // 20), seed=8):
            pw.writerow(p.csv_row())
            for month in range(1, 21):
                period = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
                hw.writerow([p.duf, f"{period}-28", period, "40"])
    subprocess.run([*nir, "import", str(persons)], env=env, check=True)
    subprocess.run([*nir, "import", str(hours), "--kind", "hours"], env=env, check=True)
    imported = folder / "home" / "data" / f"{PROFILE}.db"
    snapshot = folder / "imported.db"
    with sqlite3.connect(imported) as conn:
        conn.execute("VACUUM INTO ?", (str(snapshot),))
    return snapshot


def push_round(
    folder: Path, nir: list[str], env: dict[str, str], store: Path, args: argparse.Namespace
) -> tuple[int, float, list[dict[str, Any]]]:
    """Push a fresh copy of the store to a fresh registry; the records sent, the seconds
    nir sync took, and the records as the registry stored them."""
    folder.mkdir()
    db = folder / "registry.db"
    init_admin(db, "5001", "bench", PASSWORD, None)
    copy = folder / "store.db"
    copy.write_bytes(store.read_bytes())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_process(db, port, env, workers=args.workers)
    try:
        token = requests.post(
            f"{url}/v1/token", json={"username": "bench", "password": PASSWORD}, timeout=30
        ).json()["access_token"]
        round_env = {**env, "NIR_TOKEN": token, "NIR_DB": str(copy)}
        subprocess.run(
            [*nir, "--profile", PROFILE, "init", "-m", "5001", "--registry", url, "--replace"],
            env=round_env,
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        result = subprocess.run(
            [*nir, "sync", "--push-only", "--batch-size", str(args.batch), "--format", "json"],
            env=round_env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"nir sync failed: {result.stderr[:2000]}")
        sent = int(json.loads(result.stdout)["sent"])
    finally:
        server.terminate()
        server.wait(30)
    # The reference inserts exactly the records nir sync pushed: the same ids and bodies.
    from nir_cli.registry.storage import RegistryDB

    registry = RegistryDB(db)
    with registry.session() as stored:
        pushed = [
            {
                "entity": r["entity"],
                "id": r["id"],
                "version": r["version"],
                "person_id": r["person_id"],
                "body": json.loads(r["body"]),
            }
            for r in stored.query("SELECT * FROM records ORDER BY seq")
        ]
    registry.close()
    return sent, elapsed, pushed


if __name__ == "__main__":
    sys.exit(main())
