"""The one process pool (aiadopt/workers.py): a dead worker is noticed, its tasks run again,
a task that keeps killing its worker is given up with the reason, nothing waits forever, and
the workers end with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from aiadopt.workers import ISOLATED_CRASHES, TaskFailed, WorkerPool


def square_or_die(n: int) -> int:
    """Kills its worker for 13 (as SIGKILL or the out-of-memory killer would)."""
    if n == 13:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return n * n


def square_or_die_once(task: tuple[int, str]) -> int:
    """Kills its worker the first time it runs 5 (a marker file remembers)."""
    n, marker = task
    if n == 5 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


def test_a_task_that_kills_its_worker_is_given_up_and_the_others_finish() -> None:
    t0 = time.monotonic()
    with WorkerPool(2) as pool:
        got = dict(pool.run(square_or_die, list(range(20))))
        restarts = pool.restarts
    assert time.monotonic() - t0 < 60
    assert set(got) == set(range(20))
    assert isinstance(got[13], TaskFailed) and "WorkerDied" in got[13].reason
    assert f"{ISOLATED_CRASHES} times" in got[13].reason
    assert all(got[n] == n * n for n in range(20) if n != 13)
    assert restarts >= ISOLATED_CRASHES


def test_a_worker_that_dies_once_loses_no_task(tmp_path) -> None:
    marker = str(tmp_path / "died")
    tasks = [(n, marker) for n in range(12)]
    with WorkerPool(2) as pool:
        got = dict(pool.run(square_or_die_once, tasks, key=lambda t: t[0]))
    assert os.path.exists(marker)  # it did die
    assert {t[0]: v for t, v in got.items()} == {n: n * n for n in range(12)}


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_end_with_their_parent(method: str) -> None:
    """A parent holding a pool is SIGKILLed: its worker (and fork server, and resource
    tracker) end within seconds."""
    psutil = pytest.importorskip("psutil")
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    code = (
        "import time\n"
        "from aiadopt.workers import WorkerPool\n"
        "from tests.test_workers import square_or_die\n"
        f"pool = WorkerPool(1, start_method={method!r})\n"
        "print(list(pool.run(square_or_die, [2]))[0][1], flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # fmt: skip
    try:
        assert parent.stdout.readline().strip() == "4"
        family = psutil.Process(parent.pid).children(recursive=True)
        assert family
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in family):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.2)


def test_progress_lines_when_not_on_a_terminal(capsys) -> None:
    """Off a terminal, progress is a line now and then: count, share, rate and time left."""
    from aiadopt.progress import LineProgress, progress

    bar = progress(10, unit="run", desc="Experiment")  # stderr is captured: not a terminal
    assert isinstance(bar, LineProgress)
    bar.every = 0.0
    with bar:
        bar.update(4)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("Experiment: 4/10 runs (40%), ") and "run/s" in lines[0]
    assert "left ~" in lines[0] and len(lines) == 2  # and once more at the end
