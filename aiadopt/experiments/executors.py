"""Executors: where the runs of an experiment execute.  Same interface, same results.

- :class:`SerialExecutor`: in this process, one run after the other (``workers=1``).
- :class:`PoolExecutor`: a local pool of worker processes (``concurrent.futures`` with the
  ``spawn`` start method: no state inherited from the driver, and the same behaviour on Linux,
  macOS and Windows).  Each worker runs a tiny model once when it starts, so the numba kernels
  are loaded from their cache (or compiled) before the first real run.  Workers ignore Ctrl-C:
  the driver handles it and stops them.
- :class:`DaskExecutor`: a Dask distributed cluster (``distributed.Client(address)``).  The
  workers need the same version of ``aiadopt`` installed (checked: a mismatch is an error).

Each executor's :meth:`~Executor.run` takes every run still to do and yields a
:class:`~aiadopt.experiments.runner.RunOutcome` as each completes (in completion order; the
store files them by key, so the order does not matter).  A run is a pure function of its
:class:`~aiadopt.experiments.runner.RunSpec`, so results are bit-identical whatever the
executor and the number of workers.

A worker process that dies (killed, out of memory) breaks a process pool: the pool is rebuilt
and the runs that were in flight are run again one at a time, so the run that kills its worker
is found; it is recorded as failed after it has killed a worker twice on its own.  Dask
retries tasks of dead workers itself and reports ``KilledWorker`` after its own limit; that
run is recorded as failed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..files import __version__
from .runner import RunOutcome, RunSpec, execute_run, warm_up

__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "PoolExecutor",
    "SerialExecutor",
    "default_workers",
    "make_executor",
]

ISOLATED_CRASHES = 2
"""A run is recorded as failed once its worker has died this many times while it ran alone."""
MAX_BARREN_RESTARTS = 5
"""The pool is given up (ExecutorError) after breaking this many times in a row with no run
finishing in between (workers that cannot start, say)."""


class ExecutorError(RuntimeError):
    """The executor cannot run the experiment (no Dask, scheduler unreachable, version skew)."""


def default_workers() -> int:
    """Number of CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Executor(ABC):
    """Runs :class:`RunSpec` s and yields their outcomes as they complete."""

    description = "executor"

    @abstractmethod
    def run(self, specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
        """Yield one outcome per spec, in completion order."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release the workers."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Every run in this process, one after the other."""

    description = "this process (1 worker)"

    def run(self, specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
        for spec in specs:
            yield execute_run(spec)


def _init_worker() -> None:
    """Process-pool worker start: ignore Ctrl-C (the driver stops us), load numba's cache."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()


class PoolExecutor(Executor):
    """A pool of ``workers`` local processes (spawn start method)."""

    def __init__(self, workers: int, *, start_method: str | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        if start_method is None:
            methods = multiprocessing.get_all_start_methods()
            start_method = "forkserver" if "forkserver" in methods else "spawn"
        self.start_method = start_method
        self.description = f"a local process pool of {workers} workers"
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # the fork server imports the model and loads its kernels once; workers fork from it
            context.set_forkserver_preload([f"{__package__}._warm"])
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_init_worker
        )

    def run(self, specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
        pending: deque[RunSpec] = deque(specs)
        suspects: deque[RunSpec] = deque()  # in flight when a worker died: rerun one at a time
        crashes: Counter[tuple[str, int]] = Counter()
        inflight: dict[Future[RunOutcome], RunSpec] = {}
        window = 2 * self.workers  # enough queued to keep every worker busy
        barren = 0  # pool breaks since a run last finished
        try:
            while pending or suspects or inflight:
                if self._pool is None:
                    self._pool = self._new_pool()
                isolating = bool(suspects)
                broken = False
                while suspects and not inflight and not broken:
                    broken = not self._submit(suspects, inflight)
                while not isolating and pending and len(inflight) < window and not broken:
                    broken = not self._submit(pending, inflight)
                done, _ = (
                    wait(inflight, return_when=FIRST_COMPLETED) if inflight else (set(), set())
                )
                for fut in done:
                    spec = inflight.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if isolating:
                            crashes[spec.key] += 1
                            if crashes[spec.key] >= ISOLATED_CRASHES:
                                yield RunOutcome.failure(
                                    spec,
                                    "WorkerDied: the worker process died while running this run "
                                    f"alone, {crashes[spec.key]} times (killed, out of memory or "
                                    "crashed)",
                                )
                                continue
                        suspects.append(spec)
                    else:
                        barren = 0
                        yield outcome
                if broken:
                    # every other run in flight is lost with the pool: rerun them one by one
                    for fut, spec in list(inflight.items()):
                        with contextlib.suppress(BrokenProcessPool):
                            if fut.done() and fut.exception() is None:
                                yield fut.result()
                                continue
                        suspects.append(spec)
                    inflight.clear()
                    self._discard_pool()
                    self.restarts += 1
                    barren += 1
                    if barren > MAX_BARREN_RESTARTS:
                        raise ExecutorError(
                            f"the worker processes keep dying ({barren} times in a row with no "
                            "run finished); the runs done so far are kept"
                        )
        finally:
            if inflight:  # interrupted (Ctrl-C, or the consumer stopped): stop the workers now
                for fut in inflight:
                    fut.cancel()
                self._discard_pool()

    def _submit(self, queue: deque[RunSpec], inflight: dict[Future[RunOutcome], RunSpec]) -> bool:
        """Submit the first run of ``queue``; False (the run stays queued) if the pool broke."""
        assert self._pool is not None
        try:
            fut = self._pool.submit(execute_run, queue[0])
        except BrokenProcessPool:
            return False
        inflight[fut] = queue.popleft()
        return True

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        _terminate_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            # every result has arrived (or was given up): stop the idle workers at once rather
            # than wait for each interpreter's slow exit
            _terminate_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's worker processes now (``terminate_workers`` on Python 3.14+)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        with contextlib.suppress(Exception):
            terminate()
        return
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            if process.is_alive():
                process.terminate()


class DaskExecutor(Executor):
    """Runs on a Dask distributed cluster: ``scheduler`` is its address (``tcp://host:8786``)
    or a ``distributed.Client``."""

    def __init__(self, scheduler: Any) -> None:
        try:
            import distributed
        except ImportError:
            raise ExecutorError(
                "running on a Dask cluster needs the 'distributed' package: "
                "pip install 'aiadopt[dask]'"
            ) from None
        self._distributed = distributed
        if isinstance(scheduler, distributed.Client):
            self.client = scheduler
            self._own_client = False
        else:
            try:
                self.client = distributed.Client(str(scheduler), set_as_default=False, timeout=30)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
            self._own_client = True
        self.description = f"the Dask cluster at {self.client.scheduler.address}"

    def _check_workers(self) -> None:
        versions = self.client.run(warm_up)
        if not versions:
            raise ExecutorError(f"{self.description} has no worker")
        skew = {w: v for w, v in versions.items() if v != __version__}
        if skew:
            raise ExecutorError(
                f"Dask workers run another aiadopt version than this one ({__version__}): "
                + ", ".join(f"{w}: {v}" for w, v in sorted(skew.items()))
            )

    def run(self, specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
        if not specs:
            return
        self._check_workers()
        distributed = self._distributed
        futures = {self.client.submit(execute_run, spec, pure=False): spec for spec in specs}
        remaining = set(futures)
        try:
            for fut in distributed.as_completed(list(futures), loop=self.client.loop):
                spec = futures[fut]
                remaining.discard(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # KilledWorker, lost or cancelled task
                    outcome = RunOutcome.failure(spec, f"{type(exc).__name__}: {exc}")
                fut.release()
                yield outcome
        finally:
            if remaining:
                with contextlib.suppress(Exception):
                    self.client.cancel(list(remaining))

    def close(self) -> None:
        if self._own_client:
            with contextlib.suppress(Exception):
                self.client.close()


def make_executor(workers: int | None = None, scheduler: Any = None) -> Executor:
    """The executor for ``workers`` local processes (1: this process), or for a Dask
    ``scheduler`` (its address or a Client; ``workers`` is then ignored)."""
    if scheduler is not None:
        return DaskExecutor(scheduler)
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
