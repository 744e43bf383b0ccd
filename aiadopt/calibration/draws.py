"""The posterior sample as experiments use it: read ``posterior.csv`` into parameter sets,
and its stated point (issue 13, point 4).

``posterior.csv`` (written by ``aiadopt calibrate``; the package ships one beside this
module): one row per posterior draw; a column ``draw``; one column per uncertain parameter
element by its full name (``bass_p``, ``difficulty[4]``, ``size_shares[0]`` ...), in
parameter units; and one column per nuisance parameter of the measurement
(``nuisance:design_effect`` ...), which the model does not use but the posterior-predictive
intervals do.  Every other setting (the number of firms, the calendar) comes from ``base``.

The stated point is the posterior median of each parameter (the draws' per-column median),
which ``aiadopt calibrate`` also writes as ``fitted.toml`` with ``[meta] method =
"posterior median"``.  This module is light (numpy, pandas): experiments import it without
the sampler's dependencies.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..model import ParameterError, Params
from .errors import CalibrationError
from .free import apply_values, is_parameter_name, split_name

__all__ = [
    "NUISANCE_PREFIX",
    "POSTERIOR_FILE",
    "PosteriorSample",
    "load_posterior",
    "packaged_lever_labels",
    "packaged_posterior",
    "posterior_median",
]

POSTERIOR_FILE = "posterior.csv"
NUISANCE_PREFIX = "nuisance:"


@dataclass(frozen=True)
class PosteriorSample:
    """The draws of a posterior sample as parameter sets, and their nuisance values."""

    params: tuple[Params, ...]
    frame: pd.DataFrame  # the file as read (draw, parameters, nuisances)
    source: str

    @property
    def parameter_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != "draw" and not c.startswith(NUISANCE_PREFIX)]

    @property
    def nuisance(self) -> pd.DataFrame:
        """The nuisance columns, without their prefix."""
        cols = [c for c in self.frame.columns if c.startswith(NUISANCE_PREFIX)]
        return self.frame[cols].rename(columns=lambda c: c.removeprefix(NUISANCE_PREFIX))

    def __len__(self) -> int:
        return len(self.params)


def packaged_posterior() -> Path:
    """The posterior sample shipped with the package (``aiadopt/calibration/posterior.csv``;
    it may be absent)."""
    ref = resources.files("aiadopt.calibration").joinpath(POSTERIOR_FILE)
    with resources.as_file(ref) as p:
        return Path(p)


def load_posterior(
    path: str | os.PathLike[str] | None = None, base: Params | None = None
) -> PosteriorSample:
    """Read a posterior sample (default: the packaged one) onto ``base`` (default: the
    built-in defaults, whose settings the calibration keeps).  A malformed file is refused
    with one line naming the file, the line or column, and what is wrong."""
    path = packaged_posterior() if path is None else Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load(str(path), base or Params(), stamp)


@functools.lru_cache(maxsize=8)
def _load(path: str, base: Params, stamp: int = 0) -> PosteriorSample:
    """Read a posterior file (cached on its path, base and modification time: a file
    rewritten by a new calibration is read again)."""
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such posterior file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path}: not a posterior CSV ({exc})") from None
    if "draw" not in frame.columns:
        raise CalibrationError(f"{path}: no 'draw' column")
    names = [c for c in frame.columns if c != "draw" and not c.startswith(NUISANCE_PREFIX)]
    for name in names:
        if not is_parameter_name(name):
            raise CalibrationError(f"{path}: column {name!r} is not a parameter "
                                   "(see 'aiadopt params')")  # fmt: skip
    if frame.empty:
        raise CalibrationError(f"{path}: the posterior sample is empty")
    values = frame[names].to_numpy(dtype=np.float64)
    _renormalise_rows(values, names)
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        r, c = bad[0]
        raise CalibrationError(f"{path}, line {r + 2}, column {names[c]!r}: not a number")
    out = []
    for r in range(len(frame)):
        try:
            out.append(apply_values(dict(zip(names, values[r], strict=True)), base))
        except (ValueError, ParameterError) as exc:
            raise CalibrationError(f"{path}, line {r + 2}: {exc}") from None
    return PosteriorSample(tuple(out), frame, path)


def _renormalise_rows(values: np.ndarray, names: list[str]) -> None:
    """Share vectors written to a few significant digits do not sum to 1 exactly (the model
    draws categories with them): divide each row's elements of a vector by their sum, in
    place."""
    fields: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        fname, index = split_name(name)
        if index is not None and Params.__dataclass_fields__[fname].metadata["simplex"]:
            fields.setdefault(fname, []).append(j)
    for cols in fields.values():
        values[:, cols] /= values[:, cols].sum(axis=1, keepdims=True)


def _renormalise_shares(point: pd.Series) -> pd.Series:
    """Elementwise medians of a share vector do not sum to 1: divide by their sum."""
    point = point.copy()
    fields: dict[str, list[str]] = {}
    for name in point.index:
        fname, index = split_name(name)
        if index is not None and Params.__dataclass_fields__[fname].metadata["simplex"]:
            fields.setdefault(fname, []).append(name)
    for names in fields.values():
        point[names] = point[names] / point[names].sum()
    return point


LEVERS_FILE = "posterior_levers.csv"
"""Shipped beside posterior.csv: each lever's drivers and whether the data inform them (the
calibration's ``levers.csv``)."""


def packaged_lever_labels() -> dict[str, str]:
    """Each lever's label in the shipped calibration ("data-informed" or "prior-driven"); empty
    when no calibration is shipped."""
    ref = resources.files("aiadopt.calibration").joinpath(LEVERS_FILE)
    if not ref.is_file():
        return {}
    with resources.as_file(ref) as p:
        frame = pd.read_csv(p)
    return dict(zip(frame["lever"], frame["label"], strict=True))


def posterior_median(sample: PosteriorSample, base: Params | None = None) -> Params:
    """The stated point: every parameter at its posterior median (share vectors at their
    elementwise medians, renormalised).  If that set breaks a constraint between parameters
    the draw nearest to it (in standardised units) is used instead."""
    base = base or Params()
    cols = sample.parameter_columns
    frame = sample.frame[cols]
    med = _renormalise_shares(frame.median())
    try:
        return apply_values(med.to_dict(), base)
    except (ValueError, ParameterError):
        sd = frame.std().replace(0.0, 1.0)
        nearest = int((((frame - med) / sd) ** 2).sum(axis=1).to_numpy().argmin())
        return sample.params[nearest]
