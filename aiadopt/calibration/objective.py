"""The loss a calibration minimises, and the worker processes that evaluate it.

:class:`Objective`: the loss of one search vector, the mean over the spec's seeds (common
random numbers: every vector is run with the SAME seeds) of the deviance
(:func:`aiadopt.calibration.likelihood.deviance`) of the expected-mode simulated survey of a
model run to March 2025.  It is picklable and sent once to each worker of a pool
(:func:`worker_pool`), which evaluates (vector, seed) tasks (:func:`evaluate_task`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..model import Params
from ..workers import WorkerPool
from . import likelihood as lk
from . import targets as tg
from .free import FreeParameter, to_params
from .survey import NOT_MODELLED, run_survey

__all__ = [
    "MISSING_TARGET_PENALTY",
    "Objective",
    "code_hash",
    "evaluate_task",
    "terminate_on_sigterm",
    "worker_pool",
]

MISSING_TARGET_PENALTY = 100.0
"""Deviance added for each weighted, modelled calibration target the simulated survey cannot
compute (an empty group, e.g. no firm in place): without it, a vector that empties a group
would drop that target from the deviance and look better."""


@dataclass(frozen=True)
class Objective:
    """The loss of a search vector: the mean, over ``seeds``, of the deviance of the
    expected-mode simulated survey of the model run to March 2025 (plus
    :data:`MISSING_TARGET_PENALTY` per weighted calibration target the survey cannot
    compute).  Picklable: it is sent to the worker processes."""

    free: tuple[FreeParameter, ...]
    base: Params
    seeds: tuple[int, ...]
    targets: tuple[tg.Target, ...]
    settings: lk.LikelihoodSettings

    def __call__(self, x: Sequence[float]) -> float:
        return float(np.mean(self.per_seed(x)))

    def per_seed(self, x: Sequence[float]) -> list[float]:
        """The loss of ``x`` for each seed."""
        return [self.one(x, seed) for seed in self.seeds]

    def one(self, x: Sequence[float], seed: int) -> float:
        """The loss of ``x`` for one seed."""
        return self.loss_of(to_params(x, self.free, self.base), seed)

    def loss_of(self, params: Params, seed: int) -> float:
        """The loss of a whole parameter set for one seed (e.g. of the shipped fit, to check
        that it still has the loss it was fitted with)."""
        sim = run_survey(params, seed, mode="expected", targets=self.targets)
        loss = lk.deviance(sim, self.targets, self.settings)
        values = sim.set_index("id")["value"]
        missing = 0
        for t in self.targets:
            if t.use != "calibration" or self.settings.weight(t.id) == 0.0:
                continue
            key = f"{t.metric}:{t.category}" if t.category else t.metric
            if key in NOT_MODELLED or t.metric in NOT_MODELLED:
                continue
            if not np.isfinite(values.get(t.id, np.nan)):
                missing += 1
        loss += MISSING_TARGET_PENALTY * missing
        return float(loss) if math.isfinite(loss) else 1e12

    def fingerprint(self) -> str:
        """A hash of everything that decides the loss of a vector: the free parameters'
        names and scales, the base parameters, the seeds, the targets and the likelihood
        settings, and the source code of the model and of the simulated survey."""
        doc = {
            "free": [(p.name, p.log) for p in self.free],
            "base": self.base.to_dict(),
            "seeds": list(self.seeds),
            "targets": [dataclasses.asdict(t) for t in self.targets],
            "settings": dataclasses.asdict(self.settings),
            "missing_penalty": MISSING_TARGET_PENALTY,
            "code": code_hash(),
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def code_hash() -> str:
    """SHA-256 of the source of the model and of the survey/likelihood modules."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "model").rglob("*.py")) + [
        root / "calibration" / name for name in ("survey.py", "likelihood.py", "targets.py")
    ]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


# Worker-process side: the objective is sent once per worker (pool initializer).
Task = tuple[tuple[float, ...], int]
"""One evaluation: a search vector and a seed."""
_WORKER_OBJECTIVE: Objective | None = None


def _init_worker(objective: Objective) -> None:
    global _WORKER_OBJECTIVE
    _WORKER_OBJECTIVE = objective


_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def worker_pool(n_workers: int, objective: Objective) -> WorkerPool[Task]:
    """A 'spawn' pool of worker processes (:class:`aiadopt.workers.WorkerPool`: a dead worker
    is noticed and its task retried, and the workers end with this process), each holding the
    objective, with one BLAS thread each: the survey's dot products on 20,000 respondents
    otherwise wake OpenBLAS's threads at every call, which costs more than the product
    (measured: 0.25 s per evaluation at 10,000 firms instead of 0.09 s) and oversubscribes the
    cores between workers."""
    return WorkerPool(
        n_workers,
        start_method="spawn",
        initializer=_init_worker,
        initargs=(objective,),
        env=dict.fromkeys(_THREAD_VARIABLES, "1"),
    )


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while calibrating, so that the worker pool is terminated
    (and no orphan process keeps computing) when the calibration is killed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def evaluate_task(task: Task) -> float:
    """The loss of one (vector, seed) task, in a worker of :func:`worker_pool`."""
    x, seed = task
    assert _WORKER_OBJECTIVE is not None, "worker not initialised"
    return _WORKER_OBJECTIVE.one(x, seed)
