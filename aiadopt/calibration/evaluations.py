"""The evaluation log of a calibration: every evaluated vector on disk, and the cache it makes.

Every evaluation is logged to ``evaluations.csv`` in the output folder (one generation per
write, flushed and synced); a rerun with the same objective reloads the log as a cache keyed
by the exact vector, so the deterministic search replays instantly up to where it stopped
and goes on: an interrupted calibration resumed ends exactly where an uninterrupted one
would.  :class:`CachedPoolMap` is the map differential evolution is given: it evaluates only
the vectors the log does not hold, on the worker pool.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..files import append_synced, drop_partial_line, write_atomic
from ..workers import PoolError, TaskFailed
from .errors import CalibrationError, EvaluationFailed
from .free import free_values
from .objective import Objective, Task, evaluate_task

__all__ = ["KEY_DECIMALS", "LOG_FILE", "LOG_KEY_FILE", "CachedPoolMap", "EvaluationLog"]

LOG_FILE = "evaluations.csv"
LOG_KEY_FILE = "evaluations.json"
KEY_DECIMALS = 12
"""Search vectors are rounded to this many decimals to key the evaluation cache."""


def _key(x: Sequence[float]) -> bytes:
    return np.round(np.asarray(x, dtype=np.float64), KEY_DECIMALS).tobytes()


class EvaluationLog:
    """``evaluations.csv``: one row per evaluated vector (generation, loss, per-seed losses,
    search vector ``x0..``, values in parameter units by name), appended one generation at
    a time in a single write, flushed and synced; ``evaluations.json`` holds the objective's
    fingerprint.  Floats are written with ``repr`` so that they read back exactly."""

    def __init__(self, out_dir: Path, objective: Objective) -> None:
        self.path = out_dir / LOG_FILE
        self.key_path = out_dir / LOG_KEY_FILE
        self.objective = objective
        k = len(objective.free)
        self.header = (
            ["generation", "loss"]
            + [f"loss_seed_{s}" for s in objective.seeds]
            + [f"x{i}" for i in range(k)]
            + [p.name for p in objective.free]
        )
        self.cache: dict[bytes, tuple[float, list[float]]] = {}
        self.rows: list[tuple[np.ndarray, float]] = []

    def open(self, resume: bool) -> int:
        """Start a fresh log, or (``resume``) reload an existing one made by the same
        objective; returns the number of evaluations reloaded."""
        fingerprint = self.objective.fingerprint()
        meta = {
            "fingerprint": fingerprint,
            "free": [p.name for p in self.objective.free],
            "seeds": list(self.objective.seeds),
            "n_firms": self.objective.base.n_firms,
        }
        if resume and self.path.exists():
            try:
                old = json.loads(self.key_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") != fingerprint:
                raise CalibrationError(
                    f"{self.path} was written by another objective (different free parameters, "
                    "seeds, population, targets, likelihood settings or model code): use "
                    "--no-resume (resume=False) to replace it, or another output folder"
                )
            return self._reload()
        write_atomic(self.key_path, json.dumps(meta, indent=1) + "\n")
        write_atomic(self.path, ",".join(self.header) + "\n")
        return 0

    def _reload(self) -> int:
        # a kill in the middle of a write leaves a last line without its newline: drop it
        text = drop_partial_line(self.path).decode("utf-8")
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header != self.header:
            raise CalibrationError(
                f"{self.path}: unexpected columns; use --no-resume (resume=False) to replace it"
            )
        k = len(self.objective.free)
        n_seeds = len(self.objective.seeds)
        for row in reader:
            if len(row) != len(self.header):
                continue
            try:
                loss = float(row[1])
                per_seed = [float(v) for v in row[2 : 2 + n_seeds]]
                x = np.array([float(v) for v in row[2 + n_seeds : 2 + n_seeds + k]])
            except ValueError:
                continue
            self._remember(x, loss, per_seed)
        return len(self.rows)

    def _remember(self, x: np.ndarray, loss: float, per_seed: list[float]) -> None:
        key = _key(x)
        if key not in self.cache:
            self.cache[key] = (loss, per_seed)
            self.rows.append((np.asarray(x, dtype=np.float64), loss))

    def append(
        self, generation: int, batch: Sequence[tuple[np.ndarray, float, list[float]]]
    ) -> None:
        """Log a batch of new evaluations in one write (flushed and synced).

        The one file of the package that is appended to rather than written whole
        (:func:`aiadopt.files.append_synced`, see :mod:`aiadopt.files` for why): a write cut
        short leaves at most a last line without its newline, which :meth:`open` drops on
        resume (:func:`aiadopt.files.drop_partial_line`)."""
        if not batch:
            return
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for x, loss, per_seed in batch:
            values = free_values(x, self.objective.free)
            writer.writerow(
                [generation, repr(float(loss))]
                + [repr(float(v)) for v in per_seed]
                + [repr(float(v)) for v in x]
                + [repr(values[p.name]) for p in self.objective.free]
            )
            self._remember(x, loss, per_seed)
        append_synced(self.path, buf.getvalue())


class CachedPoolMap:
    """The map-like callable given to differential evolution as ``workers``: evaluates the
    vectors of one generation that the log does not hold yet, as (vector, seed) tasks on
    the pool (in-process with one worker), logs them, and returns every vector's loss."""

    def __init__(
        self,
        objective: Objective,
        log: EvaluationLog,
        pool: Any,
        workers: int,
        bar: Any,
        on_batch: Callable[[int], None] | None,
    ) -> None:
        self.objective = objective
        self.log = log
        self.pool = pool
        self.workers = workers
        self.bar = bar
        self.on_batch = on_batch
        self.generation = 0
        self.n_evaluations = 0  # vectors asked by the optimizer (cached or not)
        self.n_new = 0  # vectors evaluated by this run
        self.best = math.inf

    def __call__(self, func: Callable[[Any], float], iterable: Iterable[Any]) -> list[float]:
        # ``func`` is scipy's wrapper of self.objective; the losses are computed per seed
        # here (for the log and the pool), which is the same function.
        xs = [np.asarray(x, dtype=np.float64) for x in iterable]
        todo: list[np.ndarray] = []
        seen: set[bytes] = set()
        for x in xs:
            key = _key(x)
            if key not in self.log.cache and key not in seen:
                todo.append(x)
                seen.add(key)
        seeds = self.objective.seeds
        tasks = [(tuple(map(float, x)), s) for x in todo for s in seeds]
        if not tasks:
            results: list[float] = []
        elif self.pool is None:
            results = [self.objective.one(x, s) for x, s in tasks]
        else:
            results = self._on_pool(tasks)
        n_seeds = len(seeds)
        batch = []
        for i, x in enumerate(todo):
            per_seed = [float(v) for v in results[i * n_seeds : (i + 1) * n_seeds]]
            batch.append((x, float(np.mean(per_seed)), per_seed))
        self.log.append(self.generation, batch)
        losses = [self.log.cache[_key(x)][0] for x in xs]
        self.n_evaluations += len(xs)
        self.n_new += len(todo)
        self.best = min(self.best, *losses) if losses else self.best
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(best=f"{self.best:.2f}", new=self.n_new, refresh=False)
        self.generation += 1
        if self.on_batch is not None:
            self.on_batch(self.n_evaluations)
        return losses

    def _on_pool(self, tasks: list[Task]) -> list[float]:
        """The losses of ``tasks`` computed on the worker pool, in order; a worker that dies
        has its tasks run again, and an evaluation that kills its worker again and again is
        an :class:`EvaluationFailed` (the generations logged so far are kept)."""
        done: dict[Task, float] = {}
        try:
            for task, result in self.pool.run(evaluate_task, tasks, key=lambda t: t):
                if isinstance(result, TaskFailed):
                    x, seed = task
                    raise EvaluationFailed(
                        f"the evaluation of {list(x)} with seed {seed} failed: {result.reason}; "
                        f"the {len(self.log.rows)} evaluations logged in {self.log.path} are kept "
                        "and the same command resumes from them"
                    )
                done[task] = float(result)
        except PoolError as exc:
            raise EvaluationFailed(
                f"{exc}; the {len(self.log.rows)} evaluations logged in {self.log.path} are kept "
                "and the same command resumes from them"
            ) from None
        return [done[t] for t in tasks]
