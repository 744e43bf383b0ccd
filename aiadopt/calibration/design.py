"""Runs of the model at many parameter sets (the calibration's design), on a local pool of
workers or a Dask cluster, saved as they complete so that a killed calibration resumes.

The parameter space.  Every uncertain scalar prior becomes a coordinate ``z``: the prior's
distribution function maps the parameter to a uniform, and the standard normal quantile
maps that to ``z``, so that under the prior every ``z`` is independent N(0, 1) (truncation
to the allowed range included).  The sampler moves in ``z``; ``z = 0`` is the prior median.
Share vectors (Dirichlet priors) are not coordinates: they are drawn from their priors.

A design point is a full parameter set: its scalar values (in parameter units), its share
vectors, and the seed of its run.  A point whose parameters break a constraint between
fields (``ParameterError``) gives NaN quantities and is left out of every fit.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import special

from ..files import write_atomic
from ..model import ParameterError, Params
from ..workers import PoolError, TaskFailed, WorkerPool
from . import outputs
from . import series as sr
from . import targets as tg
from .errors import CalibrationError
from .free import apply_values
from .priors import Prior, PriorSet

__all__ = ["Design", "DesignRunner", "ParameterSpace"]

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
CHUNK = 16
"""Design points per task: enough to amortise sending a task, small enough to checkpoint
often (16 runs at 10,000 firms take about 2 s)."""


# --- the parameter space -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterSpace:
    """The uncertain scalar priors as standard-normal coordinates, and the share vectors."""

    priors: tuple[Prior, ...]
    shares: tuple[Prior, ...]

    @classmethod
    def of(cls, prior_set: PriorSet) -> ParameterSpace:
        scalars = tuple(p for p in prior_set.uncertain if p.family != "dirichlet")
        shares = tuple(p for p in prior_set.uncertain if p.family == "dirichlet")
        return cls(scalars, shares)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.priors)

    @property
    def share_names(self) -> tuple[str, ...]:
        """Column names of the share vectors' elements (``size_shares[0]``, ...)."""
        out = []
        for p in self.shares:
            k = len(getattr(Params(), p.name))
            out += [f"{p.name}[{i}]" for i in range(k)]
        return tuple(out)

    @functools.cached_property
    def _marginals(self) -> list[_Marginal]:
        """Each prior's distribution and truncation, built once (freezing a scipy
        distribution costs milliseconds; the sampler maps coordinates thousands of times)."""
        return [_Marginal.of(p) for p in self.priors]

    def from_z(self, z: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """Parameter values of coordinates ``z`` (m, k); ``columns`` picks the priors of the
        k columns (default: all, in order)."""
        z = np.atleast_2d(np.asarray(z, dtype=np.float64))
        cols = range(len(self.priors)) if columns is None else columns
        out = np.empty_like(z)
        for j, c in enumerate(cols):
            out[:, j] = self._marginals[c].from_z(z[:, j])
        return out

    def to_z(self, x: np.ndarray, columns: Sequence[int] | None = None) -> np.ndarray:
        """Coordinates of parameter values ``x`` (m, k) (inverse of :meth:`from_z`)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        cols = range(len(self.priors)) if columns is None else columns
        out = np.empty_like(x)
        for j, c in enumerate(cols):
            out[:, j] = self._marginals[c].to_z(x[:, j])
        return out

    def draw_shares(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` draws of every share vector from its prior, flattened (m, share columns)."""
        if not self.shares:
            return np.empty((m, 0))
        return np.hstack([p.sample(rng, m) for p in self.shares])

    def params(self, x: np.ndarray, shares: np.ndarray, base: Params) -> Params:
        """The parameter set of scalar values ``x`` and share elements ``shares`` on ``base``
        (which keeps the fixed settings); raises ``ParameterError`` for an invalid set."""
        values = dict(zip(self.names, map(float, x), strict=True))
        values.update(zip(self.share_names, map(float, shares), strict=True))
        return apply_values(values, base)


@dataclass(frozen=True)
class _Marginal:
    """A scalar prior's frozen distribution and the distribution-function values of its
    range: ``x = F^-1(F(low) + Phi(z) (F(high) - F(low)))``."""

    dist: Any
    lo: float
    hi: float
    low: float | None
    high: float | None

    @classmethod
    def of(cls, p: Prior) -> _Marginal:
        lo, hi = p._cdf_bounds()
        return cls(p.frozen(), lo, hi, p.low, p.high)

    def from_z(self, z: np.ndarray) -> np.ndarray:
        u = self.lo + (self.hi - self.lo) * special.ndtr(z)
        x = self.dist.ppf(np.clip(u, 1e-15, 1 - 1e-15))
        if self.low is not None:
            x = np.maximum(x, self.low)
        if self.high is not None:
            x = np.minimum(x, self.high)
        return x

    def to_z(self, x: np.ndarray) -> np.ndarray:
        u = (self.dist.cdf(x) - self.lo) / max(self.hi - self.lo, 1e-300)
        return special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))


# --- the design ----------------------------------------------------------------------------------


@dataclass
class Design:
    """Design points and their model quantities (rows in the order they were asked for)."""

    z: np.ndarray  # (m, d) coordinates of the scalar parameters
    x: np.ndarray  # (m, d) their values
    shares: np.ndarray  # (m, s) share-vector elements
    seeds: np.ndarray  # (m,) run seeds
    wave: np.ndarray  # (m,) which wave asked for the point
    values: np.ndarray  # (m, Q) model quantities (NaN: invalid set or failed run)
    group_n: np.ndarray  # (m, Q)

    @property
    def valid(self) -> np.ndarray:
        """Points whose run gave quantities (the invalid sets and failed runs left out)."""
        return np.isfinite(self.values).any(axis=1)

    @staticmethod
    def concat(parts: Sequence[Design]) -> Design:
        fields = ("z", "x", "shares", "seeds", "wave", "values", "group_n")
        return Design(*(np.concatenate([getattr(p, f) for p in parts]) for f in fields))


# Worker side: what every task needs, loaded once per process.
@lru_cache(maxsize=4)
def _evidence(targets_path: str | None, series_path: str | None,
              data_path: str | None) -> tuple[list[tg.Target], sr.SeriesSpec]:  # fmt: skip
    return tg.load_targets(targets_path), sr.load_series(series_path, data_path)


Task = tuple[int, Any, Any, Any, Any, Params, tuple[str | None, str | None, str | None],
             tuple[str, ...], tuple[str, ...]]  # fmt: skip


def run_chunk(task: Task) -> tuple[int, np.ndarray, np.ndarray]:
    """Run one chunk of design points: (chunk index, values, group_n).  Pure: the result is a
    function of the task only (each point's seed is in it)."""
    index, x, shares, seeds, _wave, base, paths, names, share_names = task
    targets, spec = _evidence(*paths)
    space_names = dict(zip(names, range(len(names)), strict=True))
    q = len(outputs.quantity_names(targets, spec))
    values = np.full((len(seeds), q), np.nan)
    counts = np.full((len(seeds), q), np.nan)
    for i, seed in enumerate(seeds):
        v = {n: float(x[i, j]) for n, j in space_names.items()}
        v.update({n: float(shares[i, j]) for j, n in enumerate(share_names)})
        try:
            params = apply_values(v, base)
        except (ParameterError, ValueError):
            continue
        out = outputs.simulate(params, int(seed), targets, spec)
        values[i], counts[i] = out.values, out.group_n
    return index, values, counts


class DesignRunner:
    """Runs design points in chunks on a local pool or a Dask cluster and saves each chunk in
    ``folder`` as it completes (``<tag>_<chunk>.npz``), so that the same request resumes:
    chunks already saved are read back, not rerun."""

    def __init__(
        self,
        folder: Path,
        base: Params,
        space: ParameterSpace,
        paths: tuple[str | None, str | None, str | None] = (None, None, None),
        workers: int = 1,
        scheduler: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.base = base
        self.space = space
        self.paths = paths
        self.workers = workers
        self.scheduler = scheduler
        self.progress = progress
        self._pool: WorkerPool[Task] | None = None
        self._client: Any = None

    # --- executors ---
    def __enter__(self) -> DesignRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def _map(self, tasks: list[Task]) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        if self.scheduler is not None:
            yield from self._map_dask(tasks)
            return
        if self.workers <= 1:
            for t in tasks:
                yield run_chunk(t)
            return
        if self._pool is None:
            self._pool = WorkerPool(self.workers, start_method="spawn",
                                    env=dict.fromkeys(_THREAD_VARIABLES, "1"))  # fmt: skip
        for task, result in self._pool.run(run_chunk, tasks, key=lambda t: t[0]):
            if isinstance(result, TaskFailed):
                raise PoolError(f"model runs of design chunk {task[0]} failed: {result.reason}; "
                                "the same command resumes from the runs saved so far")
            yield result

    def _map_dask(self, tasks: list[Task]) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        try:
            from distributed import Client, as_completed  # optional extra [dask]
        except ImportError:
            raise CalibrationError(
                "--scheduler needs Dask distributed: pip install 'aiadopt[dask]'"
            ) from None
        if self._client is None:
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except OSError as exc:
                raise CalibrationError(
                    f"cannot reach the Dask scheduler {self.scheduler}: {exc}"
                ) from None
        futures = [self._client.submit(run_chunk, t, pure=False) for t in tasks]
        for fut in as_completed(futures):
            yield fut.result()

    # --- the design ---
    def run(self, tag: str, z: np.ndarray, shares: np.ndarray, seeds: np.ndarray,
            wave: int) -> Design:  # fmt: skip
        """Quantities of the points (coordinates z, shares, seeds), by chunks saved under
        ``tag``."""
        x = self.space.from_z(z)
        if not re.fullmatch(r"[A-Za-z0-9_]+", tag):
            raise ValueError(f"bad design tag {tag!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        m = len(seeds)
        q_names = outputs.quantity_names(*_evidence(*self.paths))
        values = np.full((m, len(q_names)), np.nan)
        counts = np.full_like(values, np.nan)
        tasks: list[Task] = []
        done = 0
        for c, start in enumerate(range(0, m, CHUNK)):
            sl = slice(start, min(start + CHUNK, m))
            path = self._chunk_path(tag, c)
            key = _chunk_key(x[sl], shares[sl], seeds[sl], self.base)
            saved = _read_chunk(path, key)
            if saved is not None:
                values[sl], counts[sl] = saved
                done += sl.stop - sl.start
                continue
            tasks.append((c, x[sl], shares[sl], seeds[sl], wave, self.base, self.paths,
                          self.space.names, self.space.share_names))  # fmt: skip
        if self.progress:
            self.progress(done, m)
        for c, v, n in self._map(tasks):
            sl = slice(c * CHUNK, min((c + 1) * CHUNK, m))
            key = _chunk_key(x[sl], shares[sl], seeds[sl], self.base)
            _write_chunk(self._chunk_path(tag, c), key, v, n)
            values[sl], counts[sl] = v, n
            done += sl.stop - sl.start
            if self.progress:
                self.progress(done, m)
        return Design(z, x, shares, np.asarray(seeds), np.full(m, wave), values, counts)

    def _chunk_path(self, tag: str, chunk: int) -> Path:
        return self.folder / f"{tag}_{chunk:05d}.npz"


def _chunk_key(x: np.ndarray, shares: np.ndarray, seeds: np.ndarray, base: Params) -> str:
    """What a saved chunk must have been computed from (its inputs and the code), so a chunk
    of another request is never read back."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(x, dtype=np.float64).tobytes())
    h.update(np.ascontiguousarray(shares, dtype=np.float64).tobytes())
    h.update(np.ascontiguousarray(seeds, dtype=np.int64).tobytes())
    h.update(repr(base).encode())
    h.update(_code_version().encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _code_version() -> str:
    """SHA-256 of the model's and the survey's source: a chunk of older code is rerun."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "model").rglob("*.py")) + [
        root / "calibration" / n for n in ("survey.py", "outputs.py", "series.py", "targets.py")
    ]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _read_chunk(path: Path, key: str) -> tuple[np.ndarray, np.ndarray] | None:
    if not path.is_file():
        return None
    try:
        with np.load(path) as f:
            if str(f["key"]) != key:
                return None
            return f["values"], f["group_n"]
    except (OSError, ValueError, KeyError):
        return None  # a torn or foreign file: rerun the chunk


def _write_chunk(path: Path, key: str, values: np.ndarray, group_n: np.ndarray) -> None:
    buf = io.BytesIO()
    np.savez(buf, key=np.array(key), values=values, group_n=group_n)
    write_atomic(path, buf.getvalue())


def seeds_for(root: int, wave: int, m: int) -> np.ndarray:
    """Run seeds of a wave's ``m`` points, from the calibration's root seed (one
    ``SeedSequence`` stream per wave)."""
    ss = np.random.SeedSequence([root, 7919, wave])
    return ss.generate_state(m, dtype=np.uint32).astype(np.int64)
