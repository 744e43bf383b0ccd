"""The plausible set of a calibration: the evaluated vectors within a likelihood-ratio threshold
of the best, written as ``fitted_set.csv`` and drawn from by experiments (parameter
uncertainty).  See :func:`plausible_set` for what the set is and is not.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from ..files import write_atomic
from ..model import ParameterError, Params
from ..model.params import shipped_params
from .errors import CalibrationError
from .free import FreeParameter, apply_values, free_values, is_parameter_name, search_bounds

__all__ = [
    "FITTED_FILE",
    "MAX_PLAUSIBLE",
    "SET_FILE",
    "draw_plausible",
    "load_plausible_set",
    "packaged_set",
    "plausible_set",
    "plausible_threshold",
    "write_plausible_set",
]

FITTED_FILE = "fitted.toml"
"""The best point of a calibration, in its output folder."""
SET_FILE = "fitted_set.csv"
"""The plausible set of a calibration, in its output folder (and shipped in the package)."""
MAX_PLAUSIBLE = 200
"""At most this many vectors are kept in the plausible set (spread ones, see plausible_set)."""


def plausible_threshold(k: int, level: float = 0.95) -> float:
    """The likelihood-ratio threshold chi2.ppf(level, df=k) on the deviance."""
    from scipy.stats import chi2

    return float(chi2.ppf(level, df=k))


def plausible_set(
    rows: Sequence[tuple[np.ndarray, float]],
    free: Sequence[FreeParameter],
    *,
    level: float = 0.95,
    max_size: int = MAX_PLAUSIBLE,
) -> tuple[list[tuple[np.ndarray, float]], float]:
    """The evaluated vectors whose loss is within ``chi2.ppf(level, df=k)`` of the best one.

    WHAT IT IS: the vectors the optimizer happened to evaluate whose mean deviance lies within
    the likelihood-ratio threshold of the best (k = number of free parameters): a
    profile-likelihood-style approximation of the 95% confidence region of the free
    parameters, under the likelihood's assumptions (design effect, binomial and normal
    errors, hinge penalties for bounds and orderings), with the model's Monte Carlo noise
    reduced but not removed by the common seeds.  If more than ``max_size`` qualify, a
    deterministic subsample of spread ones is kept: greedy farthest-point sampling in the
    search space scaled to [0, 1], starting from the best vector.  That sampling favours the
    edges of the region: most kept vectors then have a loss near the threshold, not near
    the best.

    WHAT IT IS NOT: a Bayesian posterior, nor a uniform sample of the region.  Members are
    not weighted by their likelihood; the region is covered only where differential evolution
    searched (densely near the best, sparsely elsewhere, so the set understates the spread
    along flat directions the search did not explore); parameters that are not free are held
    at their values.  Drawing from it (:func:`draw_plausible`) propagates parameter
    uncertainty in a rough, conservative-in-spirit way, not a calibrated one.

    Returns the kept (vector, loss) pairs, best first, and the threshold.
    """
    threshold = plausible_threshold(len(free), level)
    if not rows:
        return [], threshold
    best = min(loss for _, loss in rows)
    inside = sorted(((x, loss) for x, loss in rows if loss <= best + threshold),
                    key=lambda r: r[1])  # fmt: skip
    if len(inside) <= max_size:
        return inside, threshold
    lo, hi = np.array(search_bounds(free)).T
    pts = (np.array([x for x, _ in inside]) - lo) / (hi - lo)
    chosen = [0]
    dist = np.linalg.norm(pts - pts[0], axis=1)
    while len(chosen) < max_size:
        nxt = int(np.argmax(dist))
        if dist[nxt] <= 0:
            break
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(pts - pts[nxt], axis=1))
    return [inside[i] for i in sorted(chosen, key=lambda i: (inside[i][1], i))], threshold


def write_plausible_set(
    path: Path, kept: Sequence[tuple[np.ndarray, float]], free: Sequence[FreeParameter]
) -> list[dict[str, float]]:
    """Write the plausible set as CSV (``loss`` and the free parameters' values by full name,
    floats as ``repr`` so that they read back exactly); returns its rows as dicts."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["loss", *(p.name for p in free)])
    out = []
    for x, loss in kept:
        values = free_values(x, free)
        writer.writerow([repr(float(loss)), *(repr(values[p.name]) for p in free)])
        out.append({"loss": float(loss), **values})
    write_atomic(path, buf.getvalue())
    return out


def packaged_set() -> Path:
    """The plausible set shipped with the package (``aiadopt/calibration/fitted_set.csv``;
    it may be absent)."""
    ref = resources.files("aiadopt.calibration").joinpath(SET_FILE)
    with resources.as_file(ref) as p:
        return Path(p)


def load_plausible_set(
    path: str | os.PathLike[str] | None = None, base: Params | None = None
) -> list[Params]:
    """The plausible parameter sets of a calibration (see :func:`plausible_set` for what they
    are and are not), best first.

    ``path`` is a ``fitted_set.csv`` (default: the packaged ``aiadopt/calibration/
    fitted_set.csv``); its columns are ``loss`` and the free parameters' full names, set on
    ``base`` (default: for the packaged set, the shipped fit, ``shipped_params()``; for
    another file, the ``fitted.toml`` beside it; either holds every other parameter of that
    calibration).
    """
    if path is None and base is None:
        base = shipped_params()[0]
    path = packaged_set() if path is None else Path(path)
    if base is None:
        fitted = path.with_name(FITTED_FILE)
        if not fitted.is_file():
            raise CalibrationError(
                f"{path}: no {FITTED_FILE} beside it to take the other parameters from; pass base="
            )
        base = Params.from_toml(fitted)
    return list(_load_set(str(path), base))


@functools.lru_cache(maxsize=8)
def _load_set(path: str, base: Params) -> tuple[Params, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such plausible-set file") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0] != "loss":
        raise CalibrationError(f"{path}: expected a first column 'loss', got {header!r}")
    names = header[1:]
    for name in names:
        if not is_parameter_name(name):
            raise CalibrationError(f"{path}: column {name!r} is not a parameter")
    out = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(header):
            raise CalibrationError(
                f"{path}, line {line}: {len(row)} values, expected {len(header)}"
            )
        try:
            values = {n: float(v) for n, v in zip(names, row[1:], strict=True)}
            out.append(apply_values(values, base))
        except (ValueError, ParameterError) as exc:
            raise CalibrationError(f"{path}, line {line}: {exc}") from None
    if not out:
        raise CalibrationError(f"{path}: the plausible set is empty")
    return tuple(out)


def draw_plausible(
    rng: np.random.Generator,
    k: int,
    path: str | os.PathLike[str] | None = None,
    base: Params | None = None,
) -> list[Params]:
    """``k`` parameter sets drawn uniformly from the plausible set (:func:`load_plausible_set`),
    without replacement when ``k`` is at most its size, with replacement otherwise.  Members
    are equally likely: the set is a confidence set, not a posterior (see
    :func:`plausible_set`)."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    pool = load_plausible_set(path, base)
    idx = rng.choice(len(pool), size=k, replace=k > len(pool))
    return [pool[int(i)] for i in idx]
