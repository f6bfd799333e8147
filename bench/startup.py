"""Start-up time of `nir --help` against `sqlite-utils --help`, measured in the same run.

Both are click CLIs over SQLite installed in the same environment, so the ratio says how much
our start-up path costs beyond click itself. Target: ratio <= 0.6.

    python bench/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 0.6


def time_command(argv: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of `argv` over `runs` runs, after one warm-up."""
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    bindir = os.path.dirname(sys.executable)
    nir = shutil.which("nir", path=bindir) or shutil.which("nir")
    reference = shutil.which("sqlite-utils", path=bindir) or shutil.which("sqlite-utils")
    if not nir or not reference:
        print("needs nir and sqlite-utils on PATH (pip install -e .)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NIR_HOME": home}
        ours = time_command([nir, "--help"], args.runs, env)
        theirs = time_command([reference, "--help"], args.runs, env)
    ratio = ours / theirs
    print(f"nir --help            {ours * 1000:7.1f} ms (median of {args.runs})")
    print(f"sqlite-utils --help   {theirs * 1000:7.1f} ms (median of {args.runs})")
    print(f"ratio                 {ratio:7.2f}  (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
