"""Benchmark of the views on an experiment's folder: ``aiadopt plot`` and ``aiadopt report``,
each as the command line runs it (a fresh process: imports included), with the calibration
fit table already in the folder (target: under 10 s each).

    python benchmarks/views_benchmark.py [DIR] [--replicates N] [--firms N] [--repeat K]
                                         [--strict]

Without DIR, an experiment is made first in a temporary folder (the six built-in scenarios x
--replicates (20) at --firms (10,000) to 2030-12, with ``--fit``: the fit table saved in the
folder), not timed.  Then prints the machine's load, and for each command the best and the
median wall time of --repeat (3) runs.  ``--strict`` exits with status 1 if a command's best
time is over the target.  Nothing in tests/ runs this.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0


def _aiadopt(*args: str) -> float:
    """Run ``python -m aiadopt ARGS``; its wall time (the command must succeed)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "aiadopt", *args], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def _make_experiment(folder: Path, replicates: int, firms: int) -> None:
    print(f"Making an experiment in {folder}: 6 scenarios x {replicates} replicates x "
          f"{firms:,} firms, with the fit table (not timed)...", flush=True)  # fmt: skip
    _aiadopt("experiment", "--replicates", str(replicates), "--firms", str(firms), "--fit",
             "--quiet", "--out", str(folder))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", help="an experiment's folder with fit_report.csv")
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--firms", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aiadopt-views-") as tmp:
        folder = Path(args.folder) if args.folder else Path(tmp) / "exp"
        if args.folder is None:
            _make_experiment(folder, args.replicates, args.firms)
        if not (folder / "fit_report.csv").is_file():
            print(f"{folder} has no fit_report.csv: run 'aiadopt plot {folder} --fit' first")
            return 2
        print(f"Load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"({os.cpu_count()} CPUs)")  # fmt: skip
        failed = False
        for command in ("plot", "report"):
            out = Path(tmp) / f"out-{command}"
            times = [_aiadopt(command, str(folder), "--out", str(out)) for _ in range(args.repeat)]
            best = min(times)
            ok = best < TARGET_SECONDS
            failed |= not ok
            print(f"aiadopt {command} {folder}: best {best:.1f} s, median "
                  f"{statistics.median(times):.1f} s over {len(times)} runs; target < "
                  f"{TARGET_SECONDS:.0f} s: {'pass' if ok else 'FAIL'}")  # fmt: skip
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
