"""Start-up time of `nir --help` against `sqlite-utils --help`, measured in the same run.

Both are click CLIs over SQLite installed in the same environment, so the ratio says how much
our start-up path costs beyond click itself. Target: ratio <= 0.4. The two run interleaved,
so a busy moment weighs on both; CPU time is given beside wall time, as it varies less.

    python bench/startup.py [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 0.4


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, of the child alone) of one run of `argv`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    bindir = os.path.dirname(sys.executable)
    nir = shutil.which("nir", path=bindir) or shutil.which("nir")
    reference = shutil.which("sqlite-utils", path=bindir) or shutil.which("sqlite-utils")
    if not nir or not reference:
        print("needs nir and sqlite-utils on PATH (pip install -e .)", file=sys.stderr)
        return 2
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as home:
        # As after `pip install .`, which compiles every module: bytecode may be written (an
        # editable install under PYTHONDONTWRITEBYTECODE would compile nir's modules on every
        # run, while sqlite-utils' came compiled from pip), and the warm-up writes it.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NIR_HOME"] = home
        for argv in ([nir, "--help"], [reference, "--help"]):  # warm-up: .pyc files, caches
            one_run(argv, env)
        # Interleaved, so that whatever else the machine does weighs on both alike.
        for _ in range(args.runs):
            ours.append(one_run([nir, "--help"], env))
            theirs.append(one_run([reference, "--help"], env))
    wall = statistics.median(w for w, _ in ours) / statistics.median(w for w, _ in theirs)
    cpu = statistics.median(c for _, c in ours) / statistics.median(c for _, c in theirs)
    for name, runs in (("nir --help", ours), ("sqlite-utils --help", theirs)):
        print(
            f"{name:22}{statistics.median(w for w, _ in runs) * 1000:7.1f} ms wall, "
            f"{statistics.median(c for _, c in runs) * 1000:6.1f} ms CPU (median of {args.runs})"
        )
    print(f"ratio, wall            {wall:7.2f}  (target <= {TARGET})")
    print(f"ratio, CPU             {cpu:7.2f}")
    return 0 if wall <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
