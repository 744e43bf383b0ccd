"""Execution: bit-identical results in this process, on a pool of 2 workers and on a local
Dask cluster of 2 workers; an experiment killed (process or worker) resumes and loses nothing."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiadopt.experiments import execute_experiment
from aiadopt.experiments.executors import PoolExecutor, SerialExecutor, make_executor
from aiadopt.experiments.store import Store

from .conftest import SMALL

SCENARIOS = ["baseline", "strategy"]

UNDER_CI = os.environ.get("CI", "").lower() == "true"


def _need(module: str):
    """Import an optional dependency: skip without it, but fail under CI (``CI=true``), where
    the dev extra installs it and a skip would hide a broken install."""
    if UNDER_CI:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (extra 'dask')")


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("serial") / "out"
    return execute_experiment(SCENARIOS, replicates=3, workers=1, out=out, **SMALL)


def _run_files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "runs").rglob("*.parquet"))
    }


def test_make_executor_picks_this_process_or_a_pool() -> None:
    assert isinstance(make_executor(1), SerialExecutor)
    pool = make_executor(2)
    assert isinstance(pool, PoolExecutor) and pool.workers == 2
    pool.close()


def test_a_pool_of_two_workers_gives_bit_identical_results(serial, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pool = execute_experiment(SCENARIOS, replicates=3, workers=2, out=out, **SMALL)
    assert "process pool of 2 workers" in pool.executor
    assert pool.results.equals(serial.results)
    assert pool.summary.equals(serial.summary)
    assert _run_files(out) == _run_files(serial.out)  # the very same bytes on disk


@pytest.mark.dask
def test_a_dask_cluster_gives_bit_identical_results(serial, tmp_path: Path) -> None:
    distributed = _need("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = tmp_path / "out"
        dask = execute_experiment(
            SCENARIOS, replicates=3, out=out, scheduler=cluster.scheduler_address, **SMALL
        )
    assert "Dask cluster" in dask.executor
    assert dask.results.equals(serial.results)
    assert _run_files(out) == _run_files(serial.out)


# --- killed while running ------------------------------------------------------------------------
RESUMABLE = dict(replicates=6, firms=1_500, until="2030-12")


def _start(out: Path) -> subprocess.Popen:
    code = (
        "from aiadopt.experiments import run_experiment\n"
        f"run_experiment({SCENARIOS!r}, workers=2, out={str(out)!r}, progress=False, "
        + ", ".join(f"{k}={v!r}" for k, v in RESUMABLE.items())
        + ")\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        start_new_session=True,  # its own process group: we can kill it with its workers
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_runs(out: Path, proc: subprocess.Popen, n: int, timeout: float = 90) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = len(list((out / "runs").rglob("*.parquet"))) if (out / "runs").exists() else 0
        if done >= n or proc.poll() is not None:
            return done
        time.sleep(0.01)
    raise AssertionError(f"no {n} runs finished in {timeout} s")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("whole") / "out"
    return execute_experiment(SCENARIOS, workers=1, out=out, progress=False, **RESUMABLE)


@pytest.mark.slow
def test_a_killed_experiment_resumes_without_losing_or_repeating_a_run(
    uninterrupted, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    proc = _start(out)
    try:
        done = _wait_for_runs(out, proc, 3)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, no clean-up
        proc.wait(timeout=30)
    assert 3 <= done < 12, f"{done} runs done before the kill: make the runs longer"
    kept = {p: p.read_bytes() for p in (out / "runs").rglob("*.parquet")}
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    exp = execute_experiment(SCENARIOS, workers=1, out=out, progress=False, **RESUMABLE)
    assert exp.resumed == len(kept) and exp.ran == 12 - len(kept) and exp.complete
    for p, data in kept.items():  # nothing that was finished ran again
        assert p.stat().st_mtime_ns == stamps[p] and p.read_bytes() == data
    assert len(list((out / "runs").rglob("*.parquet"))) == 12
    assert not list(out.rglob("*.tmp"))
    assert exp.results.equals(uninterrupted.results)


def _pool_workers(driver) -> list:
    """The pool's worker processes: forked by the fork server, or spawned by the driver."""
    children = driver.children()
    servers = [c for c in children if "forkserver" in " ".join(c.cmdline())]
    if servers:
        return [w for server in servers for w in server.children()]
    return [c for c in children if "spawn_main" in " ".join(c.cmdline())]


def test_a_killed_worker_is_replaced_and_its_runs_done_again(
    uninterrupted, tmp_path, monkeypatch
) -> None:
    psutil = pytest.importorskip("psutil")
    real_write = Store.write_run
    killed: list[int] = []

    def write_then_kill_a_worker(self, outcome):
        path = real_write(self, outcome)
        if not killed:  # after the first run is filed, with others in flight
            workers = _pool_workers(psutil.Process())
            killed.append(workers[0].pid)
            os.kill(workers[0].pid, signal.SIGKILL)
        return path

    monkeypatch.setattr(Store, "write_run", write_then_kill_a_worker)
    out = tmp_path / "out"
    exp = execute_experiment(SCENARIOS, workers=2, out=out, progress=False, **RESUMABLE)
    assert len(killed) == 1
    assert exp.complete and exp.ran == 12 and not exp.failures
    assert not list((out / "failures").glob("*.json"))
    assert len(list((out / "runs").rglob("*.parquet"))) == 12
    assert exp.results.equals(uninterrupted.results)
