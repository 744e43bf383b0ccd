"""Benchmark of scenario experiments: the six built-in scenarios x 100 replicates at 10,000
firms to 2030-12 on 2 local workers (target: under 2 minutes).

    python benchmarks/experiments_benchmark.py [--replicates N] [--workers W] [--firms N]
                                               [--until YYYY-MM] [--out DIR] [--strict]

Prints the machine and how loaded it is (load average and the busiest other processes,
before and after: another job on the same cores slows the benchmark down), then:

(a) one run of the baseline in this process (construction, monthly collection, tidy frame)
    at the benchmark's size, best of 3: the cost of one run;
(b) the experiment, through ``aiadopt.experiments.execute_experiment`` exactly as
    ``aiadopt experiment`` runs it (a fresh output folder, worker start-up, writing every
    run's Parquet file, the combined results, the summary): wall time, runs per second, and
    the ideal time (runs x one run / workers) for comparison;
(c) the size of the results (rows, memory, files on disk).

``--strict`` exits with status 1 if the experiment took longer than the target.  Nothing in
tests/ runs this.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 120.0


def _load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover
        return "load average: n/a"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def machine_line() -> str:
    """aiadopt, Python and numpy versions, the architecture and the CPU count, on one line."""
    import numpy as np

    import aiadopt

    return (f"aiadopt {aiadopt.__version__}, Python {platform.python_version()}, numpy "
            f"{np.__version__}, {platform.machine()}, {os.cpu_count()} CPUs")  # fmt: skip


def announce_machine() -> tuple[str, str, list[str]]:
    """Print the machine, the load average and the busiest other processes before a
    benchmark; return them (machine line, load, busy processes) for its report."""
    machine, load, busy = machine_line(), _load(), _busy_processes()
    print(machine)
    print(f"Before: {load}")
    for row in busy:
        print(f"  busy: {row}")
    return machine, load, busy


def _busy_processes(limit: int = 5) -> list[str]:
    """The busiest processes other than this one and its own (ps), to say what else loads the
    machine."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pid,ppid,pcpu,etime,args", "--sort=-pcpu"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()[1:]
    except (OSError, subprocess.SubprocessError):
        return []
    rows = [line.split(None, 4) for line in out if len(line.split(None, 4)) == 5]
    parent = {int(r[0]): int(r[1]) for r in rows}
    mine = os.getpid()

    def ours(pid: int) -> bool:
        for _ in range(10):
            if pid == mine:
                return True
            pid = parent.get(pid, 0)
            if pid <= 1:
                return False
        return False

    busy = [r for r in rows if not ours(int(r[0])) and float(r[2]) >= 5.0]
    return [f"pid {r[0]} {r[2]}% CPU for {r[3]}: {r[4][:80]}" for r in busy[:limit]]


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--firms", type=int, default=10_000)
    parser.add_argument("--until", default="2030-12")
    parser.add_argument("--out", help="experiment folder (default: a temporary one, removed)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if over the target")
    args = parser.parse_args(argv)


    from aiadopt.experiments import BUILTIN_SCENARIOS, execute_experiment
    from aiadopt.experiments.api import plan_experiment
    from aiadopt.experiments.runner import decode_parquet, execute_run

    announce_machine()

    # (a) one run
    plan = plan_experiment(["baseline"], 1, 42, args.firms, args.until)
    spec = plan.specs[0]
    execute_run(spec)  # numba cache, imports
    times, cpus = [], []
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        outcome = execute_run(spec)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    assert outcome.ok, outcome.error
    one = min(times)
    tries = ", ".join(f"{x:.3f}" for x in times)
    print(f"\n(a) one run, {args.firms:,} firms to {args.until}: best {one:.3f} s of 3 "
          f"({tries}); CPU time best {min(cpus):.3f} s; "
          f"{len(decode_parquet(outcome.data)):,} rows kept")  # fmt: skip

    # (b) the experiment
    n_runs = len(BUILTIN_SCENARIOS) * args.replicates
    folder = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="aiadopt-bench-"))
    if args.out and folder.exists():
        shutil.rmtree(folder)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    exp = execute_experiment(
        None,
        replicates=args.replicates,
        workers=args.workers,
        firms=args.firms,
        until=args.until,
        out=folder,
        progress=True,
    )
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    driver_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    ideal = n_runs * one / args.workers
    print(f"\n(b) {len(BUILTIN_SCENARIOS)} built-in scenarios x {args.replicates} replicates "
          f"= {n_runs} runs, {args.firms:,} firms to {args.until}, "
          f"{args.workers} workers")  # fmt: skip
    print(f"    wall time {wall:.1f} s ({n_runs / wall:.2f} runs/s); ideal (runs x one run / "
          f"workers) {ideal:.1f} s; target {TARGET_SECONDS:.0f} s: "
          f"{'PASS' if wall < TARGET_SECONDS else 'FAIL'}")  # fmt: skip
    print(f"    {exp.ran} runs run, {len(exp.failures)} failed; the driver process itself used "
          f"{driver_cpu:.1f} s of CPU (receiving, writing and summarising the runs)")  # fmt: skip
    free = exp.run_cpu / args.workers + driver_cpu / args.workers
    print(f"    the runs used {exp.run_cpu:.1f} CPU-s in the workers ({exp.run_cpu / n_runs:.3f} s "
          f"per run): on {args.workers} otherwise idle cores the experiment would take about "
          f"{free:.0f} s + worker start-up (runs' and driver's CPU / workers)")  # fmt: skip
    print(f"After: {_load()}")
    for row in _busy_processes():
        print(f"  busy: {row}")

    # (c) sizes
    res = exp.results
    print(f"\n(c) results: {len(res):,} rows, {res.memory_usage(deep=True).sum() / 1e6:.0f} MB "
          f"in memory; results.parquet {(folder / 'results.parquet').stat().st_size / 1e6:.1f} "
          f"MB; runs/ {_du(folder / 'runs') / 1e6:.1f} MB in {n_runs} files")  # fmt: skip
    print()
    print(exp.format_summary())
    if not args.out:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if args.strict and wall >= TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
