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
is found; it is recorded as failed after it has killed a worker twice on its own (see
:mod:`aiadopt.workers`, which also ends the workers when this process dies).  Dask
retries tasks of dead workers itself and reports ``KilledWorker`` after its own limit; that
run is recorded as failed.
"""

from __future__ import annotations

import contextlib
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any

from ..files import __version__
from ..workers import PoolError, TaskFailed, WorkerPool
from .runner import RunOutcome, RunSpec, execute_run, warm_up

__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "PoolExecutor",
    "SerialExecutor",
    "WorkersDied",
    "default_workers",
    "make_executor",
]

class ExecutorError(RuntimeError):
    """The executor cannot run the experiment (no Dask, scheduler unreachable, version skew)."""


class WorkersDied(ExecutorError, PoolError):
    """The local workers keep dying: not bad input, a failure (exit code 1)."""


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
    """Process-pool worker start (after :func:`aiadopt.workers.exit_with_parent` and ignoring
    Ctrl-C): load numba's cache."""
    warm_up()


def _key(spec: RunSpec) -> tuple[str, int]:
    return spec.key


class PoolExecutor(Executor):
    """A pool of ``workers`` local processes (:class:`aiadopt.workers.WorkerPool`: the fork
    server where there is one, else spawn)."""

    def __init__(self, workers: int, *, start_method: str | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        # the fork server imports the model and loads its kernels once; workers fork from it
        self._pool: WorkerPool[RunSpec] = WorkerPool(
            workers,
            start_method=start_method,
            preload=[f"{__package__}._warm"],
            initializer=_init_worker,
        )
        self.start_method = self._pool.start_method
        self.description = f"a local process pool of {workers} workers"

    @property
    def restarts(self) -> int:
        """How many times a worker died and the pool was rebuilt."""
        return self._pool.restarts

    def run(self, specs: Sequence[RunSpec]) -> Iterator[RunOutcome]:
        try:
            for spec, result in self._pool.run(execute_run, specs, key=_key):
                if isinstance(result, TaskFailed):
                    yield RunOutcome.failure(spec, result.reason.replace("task", "run"))
                else:
                    yield result
        except PoolError as exc:
            raise WorkersDied(f"{exc}; the runs done so far are kept") from None

    def close(self) -> None:
        # every result has arrived (or was given up): stop the idle workers at once rather
        # than wait for each interpreter's slow exit
        self._pool.close()


CONNECT_TIMEOUT = 10
"""Seconds a Dask scheduler has to answer before the command gives up (nothing is written
before)."""


def check_scheduler(address: str) -> str:
    """``address`` if it names a Dask scheduler that accepts connections, else an
    :class:`ExecutorError` saying what is wrong, within :data:`CONNECT_TIMEOUT` seconds.

    Checked before ``distributed.Client`` is made: a client that fails to start leaves a
    half-made object whose clean-up waits 60 s, then prints a traceback."""
    from urllib.parse import urlsplit

    where = f"--scheduler {address!r}"
    text = address if "://" in address else f"tcp://{address}"
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ExecutorError(f"{where} is not an address like tcp://host:8786 ({exc})") from None
    if parts.scheme not in SCHEMES or not host or port is None or parts.path not in ("", "/"):
        raise ExecutorError(
            f"{where} is not an address like tcp://host:8786 (scheme {', '.join(SCHEMES)}, "
            "a host and a port)"
        )
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}"
        ) from None
    return text


SCHEMES = ("tcp", "tls")
"""Dask address schemes a scheduler can be given with."""


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
            address = check_scheduler(str(scheduler))
            try:
                self.client = distributed.Client(
                    address, set_as_default=False, timeout=CONNECT_TIMEOUT
                )
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
