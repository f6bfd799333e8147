"""kill -9 in the middle of a large import: the store is either unchanged or fully imported."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from nir_cli.sandbox.synthetic import SyntheticPerson, people

NIR = shutil.which("nir") or ""
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not NIR, reason="nir not installed")]
PERSONS = 2_000
MONTHS = 12


def make_files(folder: Path) -> tuple[Path, Path]:
    persons_file, hours_file = folder / "persons.csv", folder / "hours.csv"
    everyone = list(people(PERSONS, seed=3))
    with persons_file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SyntheticPerson.CSV_HEADER)
        for p in everyone:
            writer.writerow(p.csv_row())
    with hours_file.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["duf", "dato", "periode", "norsktimer"])
        for p in everyone:
            for month in range(1, MONTHS + 1):
                writer.writerow([p.duf, f"28.{month:02d}.2025", f"2025-{month:02d}", "12,5"])
    return persons_file, hours_file


def counts(db: Path) -> tuple[str, int, int, int]:
    conn = sqlite3.connect(db)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        regs = conn.execute("SELECT count(*) FROM registrations").fetchone()[0]
        versions = conn.execute("SELECT count(*) FROM registration_versions").fetchone()[0]
        outbox = conn.execute(
            "SELECT count(*) FROM outbox WHERE entity = 'registration'"
        ).fetchone()[0]
        return check, regs, versions, outbox
    finally:
        conn.close()


def test_killed_imports_leave_nothing_or_everything(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NIR_")},
        "NIR_HOME": str(tmp_path / "home"),
    }
    persons_file, hours_file = make_files(tmp_path)
    subprocess.run(
        [NIR, "--profile", "test", "init", "-m", "5001"], env=env, check=True, capture_output=True
    )
    subprocess.run([NIR, "import", str(persons_file)], env=env, check=True, capture_output=True)
    db = tmp_path / "home" / "data" / "test.db"
    total = PERSONS * MONTHS
    outcomes = set()
    for delay in (0.05, 0.3, 0.6, 0.9, 1.2, 1.6):
        process = subprocess.Popen(
            [NIR, "import", str(hours_file), "--kind", "hours"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        check, regs, versions, outbox = counts(db)
        assert check == "ok"
        assert regs in (0, total), f"half an import after kill at {delay}s: {regs}"
        assert versions == regs
        assert outbox == regs
        outcomes.add(regs)
        if regs:
            break
    assert 0 in outcomes, "no kill landed mid-import; the file is too small to test this"
    subprocess.run(
        [NIR, "import", str(hours_file), "--kind", "hours"],
        env=env,
        check=True,
        capture_output=True,
    )
    assert counts(db) == ("ok", total, total, total)
