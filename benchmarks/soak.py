"""Soak test of the process pool (issue 15): an experiment of thousands of short runs in which
random workers are SIGKILLed every few seconds, against the same experiment undisturbed.

    python benchmarks/soak.py [--runs 2000] [--workers 2] [--firms 30] [--until 2023-06]
                              [--kill-every 3] [--out DIR] [--keep]

Both experiments are ``aiadopt experiment baseline --replicates RUNS`` in a subprocess, as a
user runs it.  While the disturbed one runs, a random pool worker (a child of the fork server,
or a spawned worker) is killed with SIGKILL every ``--kill-every`` seconds.  Then it checks:

- the command exited 0 (no run failed: a run is given up only if it kills its worker twice
  while running alone, which random kills should not do);
- 0 runs lost (every replicate has its file) and 0 duplicated (one file per replicate, and
  ``runs.csv`` lists each once, done);
- the results are identical to the undisturbed run: every run's Parquet file byte for byte,
  and ``results.parquet``'s table;
- no process left behind: every process the command started (workers, fork server, resource
  tracker) has ended 15 s after it exits.

Prints the figures and exits 1 if any check fails.  Nothing in tests/ runs it (it takes a few
minutes); tests/cli/test_faults.py holds the short versions of these faults.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil


def _command(args: argparse.Namespace, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "aiadopt", "experiment", "baseline",
        "--replicates", str(args.runs), "--firms", str(args.firms), "--until", args.until,
        "--workers", str(args.workers), "--seed", "11", "--metrics", "default",
        "--out", str(out),
    ]  # fmt: skip


def _pool_workers(pid: int) -> list[psutil.Process]:
    """The pool workers under ``pid``: children of the fork server, or spawned workers."""
    workers = []
    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return []
    for child in children:
        with contextlib.suppress(psutil.Error):
            line = " ".join(child.cmdline())
            if "forkserver" in line:
                workers += child.children()
            elif "spawn_main" in line:
                workers.append(child)
    return workers


def _run(args: argparse.Namespace, out: Path, log: Path, *, kill: bool) -> dict:
    """Run the experiment into ``out``; with ``kill``, SIGKILL a random worker every
    ``args.kill_every`` seconds.  Returns its figures."""
    rng = random.Random(args.kill_seed)
    t0 = time.monotonic()
    with open(log, "w") as fh:
        proc = subprocess.Popen(_command(args, out), stdout=fh, stderr=subprocess.STDOUT)
        family: dict[int, psutil.Process] = {}
        kills = 0
        next_kill = t0 + args.kill_every
        while proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                for p in psutil.Process(proc.pid).children(recursive=True):
                    family.setdefault(p.pid, p)
            if kill and time.monotonic() >= next_kill:
                workers = _pool_workers(proc.pid)
                if workers:
                    victim = rng.choice(workers)
                    with contextlib.suppress(psutil.Error):
                        victim.send_signal(signal.SIGKILL)
                        kills += 1
                next_kill = time.monotonic() + args.kill_every
            time.sleep(0.05)
    elapsed = time.monotonic() - t0
    deadline = time.monotonic() + 15
    left = list(family.values())
    while time.monotonic() < deadline:
        left = [p for p in left if _alive(p)]
        if not left:
            break
        time.sleep(0.2)
    return {
        "exit": proc.returncode,
        "seconds": round(elapsed, 1),
        "kills": kills,
        "processes_started": len(family),
        "processes_left": len(left),
    }


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _run_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "runs").rglob("*"))
            if p.is_file()}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--firms", type=int, default=30)
    parser.add_argument("--until", default="2023-06")
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--kill-seed", type=int, default=1, help="seed of the victims' choice")
    parser.add_argument("--out", help="folder for both experiments (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the output folder")
    args = parser.parse_args()

    root = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="aiadopt-soak-"))
    root.mkdir(parents=True, exist_ok=True)
    calm_dir, soak_dir = root / "undisturbed", root / "soak"
    for d in (calm_dir, soak_dir):
        shutil.rmtree(d, ignore_errors=True)
    print(
        f"Soak: {args.runs} runs of {args.firms} firms to {args.until} on {args.workers} "
        f"workers; a random worker killed every {args.kill_every:g} s; folder {root}"
    )
    calm = _run(args, calm_dir, root / "undisturbed.log", kill=False)
    print(f"undisturbed: {json.dumps(calm)}")
    soak = _run(args, soak_dir, root / "soak.log", kill=True)
    print(f"soak:        {json.dumps(soak)}")

    calm_files, soak_files = _run_files(calm_dir), _run_files(soak_dir)
    index = pd.read_csv(soak_dir / "runs.csv") if (soak_dir / "runs.csv").is_file() else None
    expected = {f"runs/baseline/{k:04d}.parquet" for k in range(args.runs)}
    lost = len(expected - set(soak_files))
    extra = len(set(soak_files) - expected)  # a stray or duplicate file
    listed_twice = 0 if index is None else int(index.duplicated(["scenario", "replicate"]).sum())
    not_done = args.runs if index is None else int((index["status"] != "done").sum())
    same_files = soak_files == calm_files and len(soak_files) == args.runs
    same_table = False
    if (soak_dir / "results.parquet").is_file() and (calm_dir / "results.parquet").is_file():
        same_table = pd.read_parquet(soak_dir / "results.parquet").equals(
            pd.read_parquet(calm_dir / "results.parquet")
        )
    failures = len(list((soak_dir / "failures").glob("*.json")))
    checks = {
        "exit 0": soak["exit"] == 0 and calm["exit"] == 0,
        "0 runs lost": lost == 0 and not_done == 0,
        "0 runs duplicated": extra == 0 and listed_twice == 0,
        "0 runs failed": failures == 0,
        "identical to undisturbed (files and table)": same_files and same_table,
        "no process left behind": soak["processes_left"] == 0 and calm["processes_left"] == 0,
        "workers killed": soak["kills"] > 0,
    }
    print(f"runs {args.runs}, kills {soak['kills']}, soak {soak['seconds']} s "
          f"(undisturbed {calm['seconds']} s), lost {lost}, duplicated {extra + listed_twice}, "
          f"failed {failures}, identical {'yes' if same_files and same_table else 'no'}, "
          f"processes left {soak['processes_left']}")  # fmt: skip
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    if not args.keep and not args.out:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
