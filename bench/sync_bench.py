"""`nir sync` push throughput against the registry's direct insert rate, in the same run.

Imports N synthetic registrations (default 100,000) into a store, starts `nir registry serve`
on a free loopback port, times `nir sync --push-only`, then inserts the same registrations
straight into a fresh registry database (as bench/registry_bench.py does), one transaction
per batch of the same size as nir sync's.
Prints records/s for both and the ratio. Target: >= 0.5x.

    python bench/sync_bench.py [--records 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry_bench import PASSWORD, direct, free_port

from nir_cli.registry.server import init_admin, start_process
from nir_cli.settings import SYNC_BATCH_SIZE
from nir_cli.synthetic import people


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument(
        "--batch", type=int, default=SYNC_BATCH_SIZE, help="records per batch, for both"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nir-sync-bench-") as name:
        folder = Path(name)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
            "NIR_HOME": str(folder / "home"),
        }
        nir = [sys.executable, "-m", "nir_cli", "-q"]
        db = folder / "registry.db"
        init_admin(db, "5001", "bench", PASSWORD, None)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_process(db, port, env)
        try:
            subprocess.run(
                [*nir, "--profile", "test", "init", "-m", "5001", "--registry", url],
                env=env,
                check=True,
            )
            persons, hours = folder / "persons.csv", folder / "hours.csv"
            count = max(1, args.records // 20)
            with persons.open("w", newline="") as pf, hours.open("w", newline="") as hf:
                pw, hw = csv.writer(pf), csv.writer(hf)
                pw.writerow(
                    ["duf", "fnr", "first_name", "last_name", "residence_basis", "permit_date"]
                )
                hw.writerow(["duf", "date", "period", "norwegian_hours"])
                for p in people(count, seed=8):
                    pw.writerow(
                        [
                            p.duf,
                            p.fnr,
                            p.first_name,
                            p.last_name,
                            p.residence_basis,
                            p.permit_date.isoformat(),
                        ]
                    )
                    for month in range(1, 21):
                        period = f"{2024 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
                        hw.writerow([p.duf, f"{period}-28", period, "40"])
            subprocess.run([*nir, "import", str(persons)], env=env, check=True)
            subprocess.run([*nir, "import", str(hours), "--kind", "hours"], env=env, check=True)
            token = requests.post(
                f"{url}/v1/token", json={"username": "bench", "password": PASSWORD}, timeout=30
            ).json()["access_token"]
            env["NIR_TOKEN"] = token
            started = time.perf_counter()
            result = subprocess.run(
                [*nir, "sync", "--push-only", "--batch-size", str(args.batch), "--format", "json"],
                env=env,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                sys.exit(f"nir sync failed: {result.stderr[:2000]}")
            sent = json.loads(result.stdout)["sent"]
        finally:
            server.terminate()
            server.wait(30)
        # The reference inserts exactly the records nir sync pushed: the same ids and bodies.
        from nir_cli.registry.storage import RegistryDB

        with RegistryDB(db).session() as store:
            pushed = [
                {
                    "entity": r["entity"],
                    "id": r["id"],
                    "version": r["version"],
                    "person_id": r["person_id"],
                    "body": json.loads(r["body"]),
                }
                for r in store.query("SELECT * FROM records ORDER BY seq")
            ]
        bare = direct(folder / "reference", pushed, args.batch)
    ours, reference = sent / elapsed, sent / bare
    print(f"records pushed by nir sync  {sent:>10,} (persons and registrations)")
    print(f"nir sync --push-only        {ours:>10,.0f} records/s ({elapsed:.1f} s)")
    print(f"registry direct insert      {reference:>10,.0f} records/s ({bare:.1f} s)")
    print(f"ratio                       {ours / reference:>10.2f}   (target >= 0.5)")
    return 0 if ours / reference >= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
