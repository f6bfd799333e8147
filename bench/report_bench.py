"""`nir missing`, `nir status` and `nir overdue` on a large store, against the bare SQL behind
them.

Builds a store of 100,000 synthetic persons and 1,000,000 registrations (most accepted by the
registry, some late, some with gaps) through nir's own write transactions, so the findings are
kept as they would be, then times `nir missing`, `nir status` and `nir overdue` as processes
and the same reads in the `sqlite3` shell on the same file (counting rows). For the reader, not
the targets: `nir missing --recompute`, which computes every finding afresh as `nir missing`
did before the findings were kept (issue #20).
Targets (issue #20): nir missing <= 0.5 s, nir status <= 0.3 s, nir overdue <= 0.5 s; each
<= 5x the bare SQL.

    python bench/report_bench.py [--persons 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from nir_cli.domain.deadlines import two_month_deadline
from nir_cli.sandbox.synthetic import people
from nir_cli.store import Store

AS_OF = "2026-06-01"
PER_PERSON = 10


def build(path: Path, persons: int) -> int:
    store = Store.open(path, create=True)
    rng = random.Random(5)
    now = "2026-06-01T00:00:00Z"
    person_rows, registration_rows = [], []
    count = 0

    def registration(
        pid: str, kind: str, scheme: str | None, day: dt.date, details: dict[str, object], key: str
    ) -> None:
        nonlocal count
        accepted = rng.random() < 0.97
        registration_rows.append(
            (
                str(uuid.uuid4()),
                pid,
                kind,
                scheme,
                day.isoformat(),
                two_month_deadline(day).isoformat(),
                f"{pid}|{kind}|{key}",
                json.dumps(details, separators=(",", ":")),
                1,
                "5001",
                "Sentrum",
                now,
                now,
                "bench",
                (day + dt.timedelta(days=20)).isoformat() if accepted else None,
                1 if accepted else None,
            )
        )
        count += 1

    for p in people(persons, seed=9, today=dt.date(2026, 1, 1)):
        pid = str(uuid.uuid4())
        person_rows.append(
            (
                pid,
                1,
                p.duf,
                p.fnr,
                p.first_name,
                p.last_name,
                p.birth_date.isoformat(),
                p.residence_basis,
                p.permit_date.isoformat(),
                p.settlement_date.isoformat(),
                "integreringsloven",
                "5001",
                "Sentrum",
                now,
                now,
                "bench",
            )
        )
        claim = p.settlement_date + dt.timedelta(days=rng.randint(5, 40))
        start = claim + dt.timedelta(days=rng.randint(20, 80))
        registration(pid, "claim", "training", claim, {}, f"training|{claim}")
        if rng.random() < 0.95:
            registration(
                pid,
                "decision",
                "training",
                claim + dt.timedelta(days=14),
                {"outcome": "granted"},
                f"training|{claim + dt.timedelta(days=14)}",
            )
            registration(
                pid,
                "offer",
                "training",
                claim + dt.timedelta(days=15),
                {},
                f"training|{claim + dt.timedelta(days=15)}",
            )
            registration(pid, "start", "training", start, {}, f"training|{start}")
            registration(pid, "goal", "training", start, {"level": "B1"}, f"training|{start}")
            registration(pid, "education", None, start, {"upper_secondary": False}, f"{start}")
            month = start.replace(day=1)
            end = start
            for _ in range(PER_PERSON - 7):
                end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                if end.isoformat() >= AS_OF:
                    break
                if rng.random() < 0.98:  # now and then a month is forgotten
                    details = {
                        "period": f"{month:%Y-%m}",
                        "norwegian_hours": 40.0,
                        "social_studies_hours": 4.0,
                    }
                    registration(pid, "hours", "training", end, details, f"training|{month:%Y-%m}")
                month = end + dt.timedelta(days=1)
            if end.isoformat() < AS_OF:
                registration(
                    pid, "end", "training", end, {"reason": "completed"}, f"training|{end}"
                )
        if len(registration_rows) >= 50_000:
            _flush(store, person_rows, registration_rows)
    _flush(store, person_rows, registration_rows)
    store.conn.execute("ANALYZE")
    store.close()
    return count


def _flush(store: Store, persons: list[Any], registrations: list[Any]) -> None:
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO persons (id, version, duf, fnr, first_name, last_name, birth_date, "
            "residence_basis, permit_date, settlement_date, regime, municipality, place, "
            "created_at, entry_date, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            persons,
        )
        conn.executemany(
            "INSERT INTO registrations (id, person_id, kind, scheme, fact_date, deadline, "
            "natural_key, details, version, municipality, place, created_at, entry_date, source, "
            "registry_date, registry_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            registrations,
        )
    persons.clear()
    registrations.clear()


def median_time(argv: list[str], env: dict[str, str], runs: int = 3) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 3):
            sys.exit(f"{argv[:3]} failed: {result.stderr[:1000]}")
        out = result.stdout
    return statistics.median(times), out


OVERDUE_LISTING = (
    "SELECT r.id, p.first_name || ' ' || p.last_name, coalesce(p.duf, p.fnr), r.kind, r.scheme, "
    f"r.fact_date, r.deadline, CAST(julianday('{AS_OF}') - julianday(r.deadline) AS INTEGER) "
    "FROM registrations r JOIN persons p ON p.id = r.person_id "
    "WHERE r.withdrawn = 0 AND r.registry_version IS NOT r.version "
    f"AND r.deadline < '{AS_OF}' ORDER BY r.deadline, p.last_name, r.kind;"
)


IN_FORCE = f"f.fires_from <= '{AS_OF}' AND '{AS_OF}' < f.fires_until"
MISSING_SQL = (
    f"SELECT count(*) FROM findings f JOIN persons p ON p.id = f.person_id WHERE {IN_FORCE};"
)
STATUS_SQL = (
    "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), "
    "(SELECT count(*) FROM outbox WHERE state = 'rejected'), "
    "(SELECT count(*) FROM outbox WHERE state = 'conflict'), "
    "(SELECT count(*) FROM registrations WHERE withdrawn = 0 "
    f"   AND registry_version IS NOT version AND deadline < '{AS_OF}'), "
    "(SELECT count(*) FROM registrations WHERE withdrawn = 0 "
    f"   AND registry_version IS NOT version AND deadline >= '{AS_OF}' "
    f"   AND deadline <= date('{AS_OF}', '+14 days')), "
    "(SELECT count(*) FROM persons), "
    "(SELECT count(*) FROM registrations WHERE withdrawn = 0), "
    f"(SELECT count(*) FROM findings f WHERE {IN_FORCE});"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    nir = shutil.which("nir", path=os.path.dirname(sys.executable)) or shutil.which("nir")
    sqlite3 = shutil.which("sqlite3")
    if not nir or not sqlite3:
        print("needs nir (pip install -e .) and the sqlite3 shell", file=sys.stderr)
        return 2
    folder = Path(args.keep or tempfile.mkdtemp(prefix="nir-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        db = folder / "big.db"
        if not db.exists():
            started = time.perf_counter()
            total = build(db, args.persons)
            print(
                f"built {args.persons:,} persons, {total:,} registrations "
                f"in {time.perf_counter() - started:.0f} s"
            )
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
            "NIR_HOME": str(folder / "home"),
        }
        subprocess.run([nir, "init", "-m", "5001"], env=env, check=True, capture_output=True)
        overdue_sql = (
            "SELECT count(*) FROM registrations r JOIN persons p ON p.id = r.person_id "
            "WHERE r.withdrawn = 0 AND r.registry_version IS NOT r.version "
            f"AND r.deadline < '{AS_OF}';"
        )
        ok = True
        for name, argv, sql, target in (
            (
                "missing",
                [nir, "--db", str(db), "missing", "--as-of", AS_OF, "--format", "csv"],
                MISSING_SQL,
                0.5,
            ),
            (
                "status",
                [nir, "--db", str(db), "status", "--as-of", AS_OF, "--format", "json"],
                STATUS_SQL,
                0.3,
            ),
            (
                "overdue",
                [nir, "--db", str(db), "overdue", "--as-of", AS_OF, "--format", "csv"],
                overdue_sql,
                0.5,
            ),
        ):
            ours, out = median_time(argv, env)
            bare, _ = median_time([sqlite3, str(db), sql], env)
            ratio = ours / bare
            ok = ok and ours <= target and ratio <= 5
            rows = "" if name == "status" else f"({out.count(chr(10)) - 1:,} rows)"
            print(
                f"nir {name:<8} {ours:6.2f} s {rows:<14} bare SQL {bare:6.2f} s   "
                f"ratio {ratio:5.2f}   (targets <= {target} s, <= 5x)"
            )
        fresh, _ = median_time(
            [nir, "--db", str(db), "missing", "--as-of", AS_OF, "--format", "csv", "--recompute"],
            env,
            runs=1,
        )
        print(
            f"(nir missing --recompute, every finding computed afresh and checked: {fresh:.2f} s)"
        )
        # For the reader, not the targets: the count above skips what nir overdue must do, read
        # each listed person's name and sort. The same listing in the shell does both.
        listing, _ = median_time([sqlite3, "-csv", str(db), OVERDUE_LISTING], env)
        print(f"(the rows nir overdue lists, sorted, in the sqlite3 shell: {listing:.2f} s)")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
