"""CSV import speed and memory against `sqlite3 .import` and `sqlite-utils insert --csv` of the
same files, in the same run.

Generates N registrations (default 1,000,000) for synthetic persons — a realistic mix of
claims, decisions, starts, goals, monthly hours and absence, tests — imports the persons, then
times `nir import` of the registrations with full validation, and `sqlite3 .import` of the same
file into a bare table. Prints both times, the ratio and nir's peak RSS. Then the peer an IT
person would reach for: `sqlite-utils insert --csv` of the persons file and of the
registrations file, and a second `nir import` of the unchanged registrations.
Targets: ratio <= 4, peak RSS <= 150 MB and flat from 100k to 1M rows (issue #20 asks for
<= 1.0x the sqlite-utils peer).

    python bench/import_bench.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nir_cli.training.synthetic import people

ROWS_PER_PERSON = 25
HEADER = [
    "duf",
    "kind",
    "scheme",
    "date",
    "outcome",
    "period",
    "norwegian_hours",
    "social_studies_hours",
    "valid_hours",
    "invalid_hours",
    "level",
    "upper_secondary",
    "test",
    "test_date",
    "reading",
    "oral",
]


def person_rows(duf: str, settled: dt.date, rng: random.Random) -> list[list[str]]:
    def d(day: dt.date) -> str:
        return day.strftime("%d.%m.%Y") if rng.random() < 0.5 else day.isoformat()

    def hours(low: int = 0) -> str:
        return f"{rng.randint(low, 160) / 2:g}".replace(".", ",")

    claim = settled + dt.timedelta(days=rng.randint(1, 40))
    decision = claim + dt.timedelta(days=rng.randint(5, 60))
    start = decision + dt.timedelta(days=rng.randint(5, 30))
    blank = [""] * (len(HEADER) - 4)
    rows = [
        [duf, "claim", "training", d(claim), *blank],
        [duf, "decision", "training", d(decision), "granted", *blank[1:]],
        [duf, "start", "training", d(start), *blank],
        [
            duf,
            "goal",
            "training",
            d(decision),
            *[""] * 6,
            rng.choice(["A2", "B1", "B2"]),
            *[""] * 5,
        ],
        [duf, "education", "", d(decision), *[""] * 7, rng.choice(["ja", "nei"]), *[""] * 4],
    ]
    for month in range(12):
        first = dt.date(2024 + month // 12, month % 12 + 1, 1)
        end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        rows.append(
            [duf, "hours", "training", d(end), "", f"{first:%Y-%m}", hours(1), hours(), *[""] * 8]
        )
    for month in range(6):
        first = dt.date(2024, month + 1, 1)
        end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        rows.append(
            [
                duf,
                "absence",
                "training",
                d(end),
                "",
                f"{first:%Y-%m}",
                "",
                "",
                hours(),
                hours(),
                *[""] * 6,
            ]
        )
    signup = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 200))
    test_day = signup + dt.timedelta(days=rng.randint(10, 90))
    rows.append([duf, "test-signup", "", d(signup), *[""] * 8, "norskprove", d(test_day), "", ""])
    rows.append(
        [
            duf,
            "test-result",
            "",
            d(test_day),
            *[""] * 8,
            "norskprove",
            "",
            rng.choice(["A2", "B1", "B2"]),
            rng.choice(["A1", "A2", "B1"]),
        ]
    )
    return rows


def generate(folder: Path, rows: int) -> tuple[Path, Path, int]:
    count = max(1, rows // ROWS_PER_PERSON)
    rng = random.Random(42)
    persons_file, registrations_file = folder / "persons.csv", folder / "registrations.csv"
    written = 0
    with (
        persons_file.open("w", newline="", encoding="utf-8") as pf,
        registrations_file.open("w", newline="", encoding="utf-8") as rf,
    ):
        pw, rw = csv.writer(pf, delimiter=";"), csv.writer(rf, delimiter=";")
        pw.writerow(
            [
                "duf",
                "fnr",
                "fornavn",
                "etternavn",
                "oppholdsgrunnlag",
                "tillatelsesdato",
                "bosettingsdato",
            ]
        )
        rw.writerow(HEADER)
        for p in people(count, seed=11, today=dt.date(2024, 1, 1)):
            pw.writerow([*p.csv_row(), p.settlement_date.isoformat()])
            for row in person_rows(p.duf, p.settlement_date, rng)[: rows - written]:
                rw.writerow(row)
                written += 1
    return persons_file, registrations_file, written


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        sys.exit(f"{argv[0]} failed: {process.stderr.read().decode()[:2000]}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Keep the files in this folder.")
    args = parser.parse_args()
    nir = shutil.which("nir", path=os.path.dirname(sys.executable)) or shutil.which("nir")
    sqlite3 = shutil.which("sqlite3")
    if not nir or not sqlite3:
        print("needs nir (pip install -e .) and the sqlite3 shell on PATH", file=sys.stderr)
        return 2
    folder = Path(args.keep or tempfile.mkdtemp(prefix="nir-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        persons_file, registrations_file, written = generate(folder, args.rows)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
            "NIR_HOME": str(folder / "home"),
        }
        subprocess.run(
            [nir, "--profile", "test", "init", "-m", "5001"],
            env=env,
            check=True,
            capture_output=True,
        )
        persons_time, _ = run([nir, "import", str(persons_file)], env)
        # The generator's months run on past some persons' training windows: plausibility is
        # still checked, and accepted, as a case worker would after looking.
        implausible = "--accept-implausible"
        ours, rss = run([nir, "import", str(registrations_file), implausible], env)
        reference, _ = run(
            [
                sqlite3,
                str(folder / "bare.db"),
                ".mode csv",
                ".separator ;",
                f".import {registrations_file} t",
            ],
            env,
        )
        again, _ = run([nir, "import", str(registrations_file), implausible], env)
        peer = shutil.which("sqlite-utils", path=os.path.dirname(sys.executable))
        peer_persons = peer_registrations = None
        if peer:
            peer_persons, _ = run(
                [peer, "insert", str(folder / "peer.db"), "persons", str(persons_file),
                 "--csv", "--delimiter", ";"],
                env,
            )  # fmt: skip
            peer_registrations, _ = run(
                [peer, "insert", str(folder / "peer.db"), "registrations",
                 str(registrations_file), "--csv", "--delimiter", ";"],
                env,
            )  # fmt: skip
        size = registrations_file.stat().st_size / 1e6
        print(
            f"rows                      {written:>10,}  ({size:.0f} MB, "
            f"{written // ROWS_PER_PERSON:,} persons imported in {persons_time:.1f} s)"
        )
        print(f"nir import                {ours:>10.2f} s  ({written / ours:,.0f} rows/s)")
        print(f"sqlite3 .import           {reference:>10.2f} s")
        print(f"ratio                     {ours / reference:>10.2f}   (target <= 4)")
        print(f"nir peak RSS              {rss:>10.1f} MB (target <= 150)")
        print(f"nir import, unchanged     {again:>10.2f} s  (the same file again)")
        if peer_persons and peer_registrations:
            persons = written // ROWS_PER_PERSON
            print(
                f"persons: nir {persons_time:.2f} s, sqlite-utils insert --csv "
                f"{peer_persons:.2f} s: {persons_time / peer_persons:.2f}x ({persons:,} rows)"
            )
            print(
                f"registrations: nir {ours:.2f} s, sqlite-utils insert --csv "
                f"{peer_registrations:.2f} s: {ours / peer_registrations:.2f}x"
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
