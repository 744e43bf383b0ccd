"""Fit the model to the study: :func:`calibrate`, the driver of a calibration.

The pieces, each in its own module, from the bottom up:

- :mod:`~aiadopt.calibration.free`: :class:`FreeParameter`, one parameter the fit may move,
  and the map from a search vector to :class:`~aiadopt.model.Params` (:func:`to_params`);
- :mod:`~aiadopt.calibration.spec`: :class:`CalibrationSpec` (:func:`load_spec`), the TOML
  file that says what moves, how it is scored and how the search runs;
- :mod:`~aiadopt.calibration.objective`: :class:`Objective`, the loss of one vector (the mean
  over the spec's seeds of the deviance of the expected-mode simulated survey), and the
  worker processes that evaluate it;
- :mod:`~aiadopt.calibration.evaluations`: the evaluation log (``evaluations.csv``), reloaded
  as a cache so that an interrupted calibration resumes where it stopped;
- :mod:`~aiadopt.calibration.plausible`: the plausible set (``fitted_set.csv``).

:func:`calibrate` minimises the objective with ``scipy.optimize.differential_evolution``
(seeded, ``updating="deferred"``, no polish), evaluating each generation on a pool of worker
processes, and writes a best point (``fitted.toml``) and a plausible set.  The names of the
modules above that the command line and notebooks use are importable from here too.

From Python::

    from aiadopt.calibration.fit import calibrate, load_spec
    result = calibrate(load_spec("my_spec.toml"), "fit-out")
    result.params, result.loss
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..files import FolderLocked, locked, provenance, write_atomic
from ..model import Params
from ..progress import progress as progress_bar
from . import targets as tg
from .errors import CalibrationError, SpecError
from .evaluations import CachedPoolMap, EvaluationLog
from .free import (
    FreeParameter,
    check_free,
    free_values,
    guess_vector,
    search_bounds,
    to_params,
    to_vector,
)
from .objective import Objective, code_hash, terminate_on_sigterm, worker_pool
from .plausible import (
    FITTED_FILE,
    MAX_PLAUSIBLE,
    SET_FILE,
    draw_plausible,
    load_plausible_set,
    plausible_set,
    plausible_threshold,
    write_plausible_set,
)
from .report import report_fit
from .spec import SPEC_FILE, CalibrationSpec, fitted_targets, load_spec, resolve_spec, write_spec

__all__ = [
    "FITTED_FILE",
    "MAX_PLAUSIBLE",
    "SET_FILE",
    "CalibrationError",
    "CalibrationResult",
    "CalibrationSpec",
    "FreeParameter",
    "Objective",
    "SpecError",
    "calibrate",
    "check_free",
    "draw_plausible",
    "fitted_targets",
    "guess_vector",
    "load_plausible_set",
    "load_spec",
    "plausible_set",
    "plausible_threshold",
    "report_fit",
    "search_bounds",
    "to_params",
    "to_vector",
    "write_spec",
]


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found and wrote.

    ``loss`` is the mean deviance of ``params`` over the spec's seeds; ``n_evaluations``
    counts the vectors the optimizer asked for, ``n_new_evaluations`` those computed by this
    call (the rest came from the log); ``plausible`` is the plausible set (see
    :func:`plausible_set`) and ``threshold`` its likelihood-ratio threshold.
    """

    params: Params
    loss: float
    x: np.ndarray
    free: tuple[FreeParameter, ...]
    n_evaluations: int
    n_new_evaluations: int
    n_generations: int
    converged: bool
    message: str
    elapsed: float
    threshold: float
    plausible: list[dict[str, float]]
    out_dir: Path
    files: dict[str, Path]

    @property
    def names(self) -> list[str]:
        """Full names of the free parameters."""
        return [p.name for p in self.free]

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [
            f"Calibration: loss (mean deviance) {self.loss:.2f} after {self.n_generations} "
            f"generations, {self.n_evaluations} evaluations ({self.n_new_evaluations} new), "
            f"{self.elapsed:.0f} s; {self.message}.",
            f"Plausible set: {len(self.plausible)} vectors within {self.threshold:.2f} of the "
            f"best (chi2 95%, df={len(self.names)}).",
        ]
        width = max(len(n) for n in self.names)
        for name, value in free_values(self.x, self.free).items():
            lines.append(f"  {name:<{width}} = {value:.6g}")
        lines += [f"Wrote {path}" for path in self.files.values()]
        return "\n".join(lines)


def calibrate(
    spec: CalibrationSpec | str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "aiadopt-out/calibrate",
    progress: bool = True,
    resume: bool = True,
    *,
    workers: int | None = None,
    echo: Callable[[str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> CalibrationResult:
    """Fit the free parameters of ``spec`` (a spec, a spec file, or ``None`` for the packaged
    default) by differential evolution, and write into ``out_dir`` (default as ``aiadopt
    calibrate``'s, ``aiadopt-out/calibrate``):

    - ``evaluations.csv`` (+ ``evaluations.json``): every evaluated vector with its loss and
      per-seed losses, appended after each generation.  With ``resume`` (default) an
      existing log of the same objective is reloaded as a cache keyed by the exact vector,
      so the seeded, deterministic search replays instantly up to where it stopped and
      goes on, ending where an uninterrupted run would; a log of another objective is an
      error (:class:`CalibrationError`).  ``resume=False`` starts a new log.
    - ``fitted.toml``: the best parameters (``Params.from_toml`` loads them) with ``[meta]``
      (date, loss, evaluations, seeds, n_firms, targets version, package version, spec
      sha256, free parameter names);
    - ``fitted_set.csv``: the plausible set (:func:`plausible_set`), one row per vector;
    - ``spec.toml``: a copy of the spec file used (when read from a file).

    ``workers`` overrides the spec's number of processes; ``progress`` shows a bar of the
    generations on a terminal; ``on_batch(n_evaluations)`` is called after each logged
    generation (a hook: raising from it interrupts the calibration, as a kill would).
    """
    spec = resolve_spec(spec)
    n_workers = spec.workers if workers is None else int(workers)
    if n_workers < 1:
        raise SpecError(f"workers must be at least 1, got {n_workers}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"{out} is a file, not a folder")
    objective = spec.objective()
    try:
        with locked(out):
            return _calibrate(spec, objective, out, n_workers, progress, resume, echo, on_batch)
    except FolderLocked as exc:
        raise CalibrationError(str(exc)) from None


def _calibrate(
    spec: CalibrationSpec,
    objective: Objective,
    out: Path,
    n_workers: int,
    progress: bool,
    resume: bool,
    echo: Callable[[str], None] | None,
    on_batch: Callable[[int], None] | None,
) -> CalibrationResult:
    """:func:`calibrate` once its arguments are checked and its folder locked."""
    import scipy.optimize  # heavy: imported when a calibration starts

    code_at_start = code_hash()
    log = EvaluationLog(out, objective)
    reloaded = log.open(resume)
    if echo is not None and reloaded:
        echo(f"Resuming: {reloaded} evaluations reloaded from {log.path}.")

    t0 = time.perf_counter()
    pool_cm: Any = (
        worker_pool(n_workers, objective) if n_workers > 1 else contextlib.nullcontext(None)
    )
    bar_cm: Any = (
        progress_bar(spec.maxiter + 1, unit="gen", desc="calibrate")
        if progress
        else contextlib.nullcontext(None)
    )
    with terminate_on_sigterm(), pool_cm as pool, bar_cm as bar:
        mapper = CachedPoolMap(objective, log, pool, n_workers, bar, on_batch)
        res = scipy.optimize.differential_evolution(
            objective,
            search_bounds(spec.free),
            maxiter=spec.maxiter,
            popsize=spec.popsize,
            tol=spec.tol,
            mutation=spec.mutation,
            recombination=spec.recombination,
            rng=spec.seed,
            polish=False,
            init="latinhypercube",
            updating="deferred",
            workers=mapper,
            x0=guess_vector(spec.free),
        )
    elapsed = time.perf_counter() - t0
    if code_hash() != code_at_start:
        warnings.warn(
            "the model or survey code changed while calibrating: the evaluations may mix two "
            "versions of the model; rerun with resume=False (--no-resume)",
            RuntimeWarning,
            stacklevel=2,
        )

    x = np.asarray(res.x, dtype=np.float64)
    loss = float(res.fun)
    params = to_params(x, spec.free, objective.base)
    kept, threshold = plausible_set(log.rows, spec.free)
    files = {"evaluations": log.path}
    meta = {
        **provenance(params, spec.seeds, f"calibration with the spec {spec.source}"),
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "loss": loss,
        "loss_is": "mean over seeds of the deviance of the expected-mode simulated survey",
        "n_evaluations": int(mapper.n_evaluations),
        "n_generations": int(mapper.generation),
        "seeds": list(spec.seeds),
        "n_firms": int(spec.n_firms),
        "targets_version": tg.load_meta(spec.targets_file).version,
        "spec_sha256": spec.sha256,
        "spec_source": spec.source,
        "method": spec.method,
        "maxiter": spec.maxiter,
        "popsize": spec.popsize,
        "optimizer_seed": spec.seed,
        "converged": bool(res.success),
        "free": [p.name for p in spec.free],
        "plausible_set_size": len(kept),
        "plausible_threshold": threshold,
    }
    fitted_path = out / FITTED_FILE
    params.to_toml(fitted_path, meta=meta)
    files["fitted"] = fitted_path
    set_path = out / SET_FILE
    plausible = write_plausible_set(set_path, kept, spec.free)
    files["plausible_set"] = set_path
    if Path(spec.source).is_file():
        spec_copy = out / SPEC_FILE
        if Path(spec.source).resolve() != spec_copy.resolve():
            write_atomic(spec_copy, Path(spec.source).read_text(encoding="utf-8"))
            files["spec"] = spec_copy
    return CalibrationResult(
        params=params,
        loss=loss,
        x=x,
        free=spec.free,
        n_evaluations=mapper.n_evaluations,
        n_new_evaluations=mapper.n_new,
        n_generations=mapper.generation,
        converged=bool(res.success),
        message=str(res.message).rstrip("."),
        elapsed=elapsed,
        threshold=threshold,
        plausible=plausible,
        out_dir=out,
        files=files,
    )
