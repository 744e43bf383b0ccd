"""Worker processes that neither hang nor outlive the command: the one process pool of the
package (an experiment's runs, a sensitivity analysis's runs, a calibration's evaluations).

Why.  ``multiprocessing.Pool.map`` replaces a worker that dies (SIGKILL, the out-of-memory
killer) but loses its task: the map then waits forever.  And a command killed with SIGKILL
cannot stop its workers: they, the fork server and the resource tracker were re-parented to
PID 1 and kept running.

- :class:`WorkerPool` runs tasks on ``concurrent.futures.ProcessPoolExecutor``, which notices
  a dead worker (``BrokenProcessPool``) instead of waiting for it.  The pool is then rebuilt
  and the tasks that were in flight are run again one at a time, so the task that kills its
  worker is found: it is reported as :class:`TaskFailed` (with the reason) once it has killed
  a worker :data:`ISOLATED_CRASHES` times on its own; the others finish normally.  A pool that
  keeps breaking with no task finishing raises :class:`PoolError`.  Results do not depend on
  which worker ran a task nor on how many times it was retried: a task is a pure function of
  its arguments (its seed included).
- :func:`exit_with_parent` makes a process end when its parent dies: on Linux the kernel sends
  it SIGKILL (``prctl(PR_SET_PDEATHSIG)``), elsewhere a daemon thread watches the parent's
  PID.  Every worker calls it when it starts, and so does the fork server (its preload
  module :mod:`aiadopt._forkserver`), so a SIGKILL of the command ends the whole tree; the
  resource tracker then sees its last pipe close and ends too.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = [
    "ISOLATED_CRASHES",
    "MAX_BARREN_RESTARTS",
    "PoolError",
    "TaskFailed",
    "WorkerPool",
    "exit_with_parent",
]

T = TypeVar("T")

ISOLATED_CRASHES = 2
"""A task is reported failed once its worker has died this many times while it ran alone."""
MAX_BARREN_RESTARTS = 5
"""The pool is given up (:class:`PoolError`) after breaking this many times in a row with no
task finishing in between (workers that cannot start, say)."""
PARENT_POLL_SECONDS = 0.5
"""How often a worker checks that its parent is alive where the kernel cannot tell it."""

_PR_SET_PDEATHSIG = 1


class PoolError(RuntimeError):
    """The worker processes keep dying: the pool cannot go on."""


@dataclass(frozen=True)
class TaskFailed:
    """A task given up: ``reason`` says why (its worker died, or the task raised)."""

    reason: str


def exit_with_parent() -> None:
    """End this process when its parent dies (see the module docstring).  On Linux the kernel
    kills it at once; elsewhere a daemon thread checks the parent every
    :data:`PARENT_POLL_SECONDS`."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """A worker's start: die with the parent, ignore Ctrl-C (the parent stops its workers),
    then the caller's initializer."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


class WorkerPool(Generic[T]):
    """A pool of ``workers`` processes that survives their death (see the module docstring).

    ``start_method`` is a ``multiprocessing`` start method (default ``forkserver`` where there
    is one, else ``spawn``); ``preload`` are modules the fork server imports once, so that the
    workers forked from it start warm; ``initializer(*initargs)`` runs in every worker; ``env``
    is set in this process's environment while the pool lives, for the workers it starts."""

    def __init__(
        self,
        workers: int,
        *,
        start_method: str | None = None,
        preload: Sequence[str] = (),
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        if start_method is None:
            methods = multiprocessing.get_all_start_methods()
            start_method = "forkserver" if "forkserver" in methods else "spawn"
        self.start_method = start_method
        self.preload = list(preload)
        self.initializer = initializer
        self.initargs = initargs
        self.env = dict(env or {})
        self._pool: ProcessPoolExecutor | None = None
        self._saved_env: dict[str, str | None] | None = None
        self.restarts = 0
        """How many times the pool broke (a worker died) and was rebuilt."""

    # --- the pool -------------------------------------------------------------------------------
    def _new_pool(self) -> ProcessPoolExecutor:
        if self.env and self._saved_env is None:
            self._saved_env = {k: os.environ.get(k) for k in self.env}
            os.environ.update(self.env)
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload([f"{__package__}._forkserver", *self.preload])
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.initializer, self.initargs),
        )

    def _discard_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        _terminate_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers now (every result has arrived, or was given up) and restore the
        environment."""
        self._discard_pool()
        saved, self._saved_env = self._saved_env, None
        for k, v in (saved or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def __enter__(self) -> WorkerPool[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- running --------------------------------------------------------------------------------
    def run(
        self, fn: Callable[[T], Any], tasks: Sequence[T], key: Callable[[T], Hashable] = id
    ) -> Iterator[tuple[T, Any]]:
        """Run ``fn(task)`` for every task; yield ``(task, result)`` as each completes, the
        result being a :class:`TaskFailed` for a task given up.  ``key`` names a task (to
        count the worker deaths it caused).  Raises :class:`PoolError` when the workers keep
        dying with no task finishing."""
        pending: deque[T] = deque(tasks)
        suspects: deque[T] = deque()  # in flight when a worker died: rerun one at a time
        crashes: Counter[Hashable] = Counter()
        inflight: dict[Future[Any], T] = {}
        window = 2 * self.workers  # enough queued to keep every worker busy
        barren = 0  # pool breaks since a task last finished
        try:
            while pending or suspects or inflight:
                if self._pool is None:
                    self._pool = self._new_pool()
                isolating = bool(suspects)
                broken = False
                while suspects and not inflight and not broken:
                    broken = not self._submit(fn, suspects, inflight)
                while not isolating and pending and len(inflight) < window and not broken:
                    broken = not self._submit(fn, pending, inflight)
                done, _ = (
                    wait(inflight, return_when=FIRST_COMPLETED) if inflight else (set(), set())
                )
                for fut in done:
                    task = inflight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if isolating:
                            crashes[key(task)] += 1
                            if crashes[key(task)] >= ISOLATED_CRASHES:
                                yield task, TaskFailed(
                                    "WorkerDied: the worker process died while running this task "
                                    f"alone, {crashes[key(task)]} times (killed, out of memory or "
                                    "crashed)"
                                )
                                continue
                        suspects.append(task)
                    else:
                        barren = 0
                        yield task, result
                if broken:
                    # every other task in flight is lost with the pool: rerun them one by one
                    for fut, task in list(inflight.items()):
                        with contextlib.suppress(BrokenProcessPool):
                            if fut.done() and fut.exception() is None:
                                yield task, fut.result()
                                continue
                        suspects.append(task)
                    inflight.clear()
                    self._discard_pool()
                    self.restarts += 1
                    barren += 1
                    if barren > MAX_BARREN_RESTARTS:
                        raise PoolError(
                            f"the worker processes keep dying ({barren} times in a row with no "
                            "task finished)"
                        )
        finally:
            if inflight:  # interrupted (Ctrl-C, or the consumer stopped): stop the workers now
                for fut in inflight:
                    fut.cancel()
                self._discard_pool()

    def _submit(
        self, fn: Callable[[T], Any], queue: deque[T], inflight: dict[Future[Any], T]
    ) -> bool:
        """Submit the first task of ``queue``; False (it stays queued) if the pool broke."""
        assert self._pool is not None
        try:
            fut = self._pool.submit(fn, queue[0])
        except BrokenProcessPool:
            return False
        inflight[fut] = queue.popleft()
        return True


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
