"""Fit the model to the study: free parameters, a calibration spec, differential evolution.

The pieces, from the bottom up:

- :class:`FreeParameter` declares, as data apart from :class:`~aiadopt.model.Params`, one
  parameter the fit may move: a float field of ``Params`` (``"bass_p"``) or one element of a
  tuple field (``"strategy_effect[3]"``), its search bounds, its starting guess and whether
  it is searched on the log scale.  An element of a simplex field (shares that must sum
  to 1, e.g. ``collaboration_initial``) may be freed too: the elements left fixed are then
  RENORMALISED, rescaled in proportion to their base values so that the shares still sum
  to 1 (see :func:`to_params`).
- :func:`to_params` maps a search vector (log-scale parameters as their logarithm) onto a
  parameter object; :func:`to_vector` is its inverse.
- :class:`CalibrationSpec` (:func:`load_spec`) is everything a calibration needs, read from a
  TOML file checked strictly (:class:`SpecError` names the file, the key and what is
  allowed).  The package ships a default spec, ``aiadopt/calibration/spec.toml``
  (:func:`write_spec` copies it for editing).
- :class:`Objective`: the loss of one vector, the mean over the spec's seeds (common random
  numbers: every vector is run with the SAME seeds) of the deviance
  (:func:`aiadopt.calibration.likelihood.deviance`) of the expected-mode simulated survey of
  a model run to March 2025.
- :func:`calibrate` minimises it with ``scipy.optimize.differential_evolution`` (seeded,
  ``updating="deferred"``, no polish), evaluating each generation on a pool of worker
  processes.  Every evaluation is logged to ``evaluations.csv`` in the output folder; a
  rerun with the same objective reloads the log as a cache, so the deterministic search
  replays instantly up to where it stopped and goes on: an interrupted calibration resumed
  ends exactly where an uninterrupted one would.
- The result is a best point (``fitted.toml``) and a set of plausible points
  (``fitted_set.csv``, :func:`plausible_set`, :func:`load_plausible_set`,
  :func:`draw_plausible`).

From Python::

    from aiadopt.calibration.fit import calibrate, load_spec
    result = calibrate(load_spec("my_spec.toml"), "fit-out")
    result.params, result.loss
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import sys
import time
import tomllib
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..model import ParameterError, Params
from . import likelihood as lk
from . import targets as tg

__all__ = [
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

PACKAGE = "aiadopt.calibration"
SPEC_FILE = "spec.toml"
FITTED_FILE = "fitted.toml"
SET_FILE = "fitted_set.csv"
LOG_FILE = "evaluations.csv"
LOG_KEY_FILE = "evaluations.json"

METHODS = ("differential_evolution",)
MAX_PLAUSIBLE = 200
"""At most this many vectors are kept in the plausible set (spread ones, see plausible_set)."""
MISSING_TARGET_PENALTY = 100.0
"""Deviance added for each weighted, modelled calibration target the simulated survey cannot
compute (an empty group, e.g. no firm in place): without it, a vector that empties a group
would drop that target from the deviance and look better."""
KEY_DECIMALS = 12
"""Search vectors are rounded to this many decimals to key the evaluation cache."""


class SpecError(ValueError):
    """A calibration spec is invalid; the message names the file, the key and what is allowed."""


class CalibrationError(RuntimeError):
    """A calibration cannot go on as asked (e.g. an evaluation log made by another objective)."""


# --- free parameters ------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^(?P<field>[a-z_][a-z0-9_]*)(?:\[(?P<index>\d+)\])?$")
_FIELDS = {f.name: f for f in dataclasses.fields(Params)}


@dataclass(frozen=True)
class FreeParameter:
    """One parameter the fit may move.

    ``name`` is a float field of :class:`Params` (``"bass_p"``) or one element of a tuple
    field (``"strategy_effect[3]"``, 0-based in the order of the field's enumeration); for a
    simplex field the other elements are renormalised (see :func:`to_params`).
    ``low < guess < high`` bound the search, within the field's allowed range; with
    ``log=True`` (which needs ``low > 0``) the search runs on the logarithm of the value.
    """

    name: str
    low: float
    high: float
    guess: float
    log: bool = False

    @property
    def field(self) -> str:
        """The Params field the parameter lives in."""
        return _split_name(self.name)[0]

    @property
    def index(self) -> int | None:
        """The element of a tuple field, or ``None`` for a scalar field."""
        return _split_name(self.name)[1]

    def to_search(self, value: float) -> float:
        """A value in parameter units to the search scale (its log when ``log``)."""
        return math.log(value) if self.log else float(value)

    def from_search(self, x: float) -> float:
        """A search-scale coordinate back to parameter units, clipped to [low, high]."""
        value = math.exp(x) if self.log else float(x)
        return min(max(value, self.low), self.high)


def _split_name(name: str) -> tuple[str, int | None]:
    m = _NAME_RE.match(name)
    if m is None:
        return name, None
    index = m.group("index")
    return m.group("field"), (int(index) if index is not None else None)


def _free_problem(p: FreeParameter) -> tuple[str, str] | None:
    """What is wrong with a free parameter, as (key, message), or None."""
    m = _NAME_RE.match(p.name)
    if m is None:
        return "name", (
            f"{p.name!r} is not a parameter name; expected 'field' or 'field[i]' "
            "(see 'aiadopt params' for the fields)"
        )
    fname, index = _split_name(p.name)
    f = _FIELDS.get(fname)
    if f is None:
        return "name", f"unknown parameter {fname!r}; allowed: {', '.join(_free_fields())}"
    default = f.default
    meta = f.metadata
    if isinstance(default, tuple):
        if index is None:
            return "name", (
                f"{fname!r} is a tuple of {len(default)} values ({meta['unit']}); free one "
                f"element as '{fname}[i]' with i in 0..{len(default) - 1}"
            )
        if index >= len(default):
            return "name", (
                f"index {index} out of range for {fname!r} ({len(default)} values, "
                f"{meta['unit']}); allowed: 0..{len(default) - 1}"
            )
    else:
        if index is not None:
            return "name", f"{fname!r} is a single value, not a tuple: write '{fname}'"
        if isinstance(default, bool) or not isinstance(default, float):
            kind = type(default).__name__
            return "name", (
                f"{fname!r} is a {kind}; only float parameters (or elements of float tuples) "
                f"can be freed; allowed: {', '.join(_free_fields())}"
            )
    for key in ("low", "high", "guess"):
        value = getattr(p, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return key, f"must be a number, got {value!r}"
        if not math.isfinite(value):
            return key, f"must be finite, got {value!r}"
    if not isinstance(p.log, bool):
        return "log", f"must be true or false, got {p.log!r}"
    lo, hi = meta["low"], meta["high"]
    if p.low >= p.high:
        return "low", f"low ({p.low}) must be below high ({p.high})"
    if lo is not None and p.low < lo:
        return "low", f"{p.low} is below the allowed range of {fname!r}: [{lo}, {hi}]"
    if hi is not None and p.high > hi:
        return "high", f"{p.high} is above the allowed range of {fname!r}: [{lo}, {hi}]"
    if p.log and p.low <= 0:
        return "low", f"log = true needs low > 0, got {p.low}"
    if not p.low <= p.guess <= p.high:
        return "guess", f"{p.guess} is outside the bounds [{p.low}, {p.high}]"
    return None


@functools.cache
def _free_fields() -> tuple[str, ...]:
    """Fields whose values (or elements) may be freed."""
    out = []
    for name, f in _FIELDS.items():
        d = f.default
        if isinstance(d, tuple):
            out.append(f"{name}[0..{len(d) - 1}]")
        elif isinstance(d, float):
            out.append(name)
    return tuple(out)


def check_free(free: Sequence[FreeParameter], source: str = "<free parameters>") -> None:
    """Check free parameters (names, bounds, guess, duplicates); raise :class:`SpecError`."""
    if not free:
        raise SpecError(f"{source}: no free parameter; at least one is needed")
    seen: set[str] = set()
    for i, p in enumerate(free):
        problem = _free_problem(p)
        if problem is not None:
            key, message = problem
            raise SpecError(f"{source}: [[free]] entry {i} ({p.name!r}), key {key!r}: {message}")
        if p.name in seen:
            raise SpecError(f"{source}: [[free]] entry {i}, key 'name': {p.name!r} freed twice")
        seen.add(p.name)
    _check_simplexes(free, source)


def _check_simplexes(free: Sequence[FreeParameter], source: str) -> None:
    """Freed elements of a simplex must leave one element fixed (it absorbs the
    renormalisation) and their upper bounds may not sum to more than 1."""
    by_field: dict[str, list[FreeParameter]] = {}
    for p in free:
        if _FIELDS[p.field].metadata["simplex"]:
            by_field.setdefault(p.field, []).append(p)
    for fname, members in by_field.items():
        length = len(_FIELDS[fname].default)
        if len(members) >= length:
            raise SpecError(
                f"{source}: [[free]] entries {', '.join(repr(p.name) for p in members)}, key "
                f"'name': every element of the simplex {fname!r} is freed; leave at least one "
                "fixed (the fixed elements are rescaled so that the shares sum to 1)"
            )
        highs = sum(p.high for p in members)
        if highs > 1.0 + 1e-12:
            raise SpecError(
                f"{source}: [[free]] entries {', '.join(repr(p.name) for p in members)}, key "
                f"'high': the freed shares of the simplex {fname!r} could sum to {highs:g} > 1; "
                "allowed: highs summing to at most 1"
            )


def search_bounds(free: Sequence[FreeParameter]) -> list[tuple[float, float]]:
    """Bounds of the search, on the log scale for log parameters."""
    return [(p.to_search(p.low), p.to_search(p.high)) for p in free]


def guess_vector(free: Sequence[FreeParameter]) -> np.ndarray:
    """The search vector of the guesses."""
    return np.array([p.to_search(p.guess) for p in free], dtype=np.float64)


def free_values(vector: Sequence[float], free: Sequence[FreeParameter]) -> dict[str, float]:
    """The free parameters' values in parameter units, by full name."""
    if len(vector) != len(free):
        raise ValueError(f"vector has {len(vector)} values for {len(free)} free parameters")
    return {p.name: p.from_search(float(x)) for p, x in zip(free, vector, strict=True)}


def _apply(values: Mapping[str, float], base: Params) -> Params:
    overrides: dict[str, Any] = {}
    simplex_freed: dict[str, set[int]] = {}
    for name, value in values.items():
        fname, index = _split_name(name)
        if index is None:
            overrides[fname] = float(value)
        else:
            current = list(overrides.get(fname, getattr(base, fname)))
            current[index] = float(value)
            overrides[fname] = tuple(current)
            if _FIELDS[fname].metadata["simplex"]:
                simplex_freed.setdefault(fname, set()).add(index)
    for fname, freed in simplex_freed.items():
        overrides[fname] = _renormalise(overrides[fname], getattr(base, fname), freed)
    return base.replace(**overrides)


def _renormalise(
    shares: Sequence[float], base: Sequence[float], freed: set[int]
) -> tuple[float, ...]:
    """Shares with the ``freed`` elements as given and the others rescaled, in proportion
    to their ``base`` values (equally if those are all 0), so that the total is 1."""
    rest = [j for j in range(len(base)) if j not in freed]
    room = max(1.0 - sum(shares[i] for i in freed), 0.0)
    total = sum(base[j] for j in rest)
    out = list(shares)
    for j in rest:
        out[j] = room * (base[j] / total if total > 0 else 1.0 / len(rest))
    return tuple(out)


def to_params(vector: Sequence[float], free: Sequence[FreeParameter], base: Params) -> Params:
    """``base`` with the free parameters set from a search vector (log parameters given as
    their logarithm; values clipped to the free bounds).  Freed elements of a simplex field
    take their values and the fixed elements are rescaled, in proportion to their values in
    ``base``, so that the shares sum to 1 (with ``collaboration_initial = (0.31, 0.33, 0.12,
    0.24)``, freeing element 3 at 0.40 gives ``(0.2447, 0.2605, 0.0947, 0.40)``).  Raises
    ParameterError if the result is invalid."""
    return _apply(free_values(vector, free), base)


def to_vector(params: Params, free: Sequence[FreeParameter]) -> np.ndarray:
    """The search vector of ``params``'s values of the free parameters (inverse of
    :func:`to_params`)."""
    out = []
    for p in free:
        value = getattr(params, p.field)
        if p.index is not None:
            value = value[p.index]
        out.append(p.to_search(float(value)))
    return np.array(out, dtype=np.float64)


# --- the spec -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationSpec:
    """Everything a calibration needs (see the packaged ``spec.toml`` for each key).

    ``weights`` maps calibration target ids to weights (absent: 1; 0 drops the target).
    ``base`` is the parameter set the free parameters are set on (``[run] params``, default
    the built-in defaults).  ``source`` is the file the spec was read from and ``sha256`` its
    hash (of a canonical dump for a spec built in Python).
    """

    free: tuple[FreeParameter, ...]
    weights: Mapping[str, float] = field(default_factory=dict)
    likelihood: lk.LikelihoodSettings = field(default_factory=lk.LikelihoodSettings)
    n_firms: int = 10_000
    seeds: tuple[int, ...] = (1, 2)
    method: str = "differential_evolution"
    maxiter: int = 30
    popsize: int = 5
    tol: float = 0.0
    seed: int = 2025
    workers: int = 2
    mutation: tuple[float, float] = (0.5, 1.0)
    recombination: float = 0.7
    base: Params = field(default_factory=Params)
    targets_file: str | None = None
    source: str = "<spec>"
    sha256: str = ""

    def __post_init__(self) -> None:
        check_free(self.free, self.source)
        if not self.sha256:
            object.__setattr__(self, "sha256", _sha256(_canonical_spec(self).encode()))

    @property
    def names(self) -> list[str]:
        """Full names of the free parameters, in the order of the search vector."""
        return [p.name for p in self.free]

    def settings(self) -> lk.LikelihoodSettings:
        """The likelihood settings with the spec's target weights."""
        return dataclasses.replace(self.likelihood, weights=dict(self.weights) or None)

    def targets(self) -> list[tg.Target]:
        """Every target of the spec's targets file (calibration and validation)."""
        return tg.load_targets(self.targets_file)

    def objective(self) -> Objective:
        """The loss function of this spec (picklable)."""
        return Objective(
            free=self.free,
            base=self.base.replace(n_firms=self.n_firms),
            seeds=self.seeds,
            targets=tuple(fitted_targets(self.targets())),
            settings=self.settings(),
        )


def fitted_targets(pool: Sequence[tg.Target]) -> list[tg.Target]:
    """The targets the loss needs: the calibration targets and the targets their orderings
    name by id (validation targets are otherwise left out of the simulated survey, which
    saves its time; they never enter the deviance anyway)."""
    calibration = [t for t in pool if t.use == "calibration"]
    named = {side for t in calibration if t.kind == "ordering" for side in (t.greater, t.lesser)}
    return [t for t in pool if t.use == "calibration" or t.id in named]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical_spec(spec: CalibrationSpec) -> str:
    doc = {
        "free": [dataclasses.asdict(p) for p in spec.free],
        "weights": dict(sorted(spec.weights.items())),
        "likelihood": dataclasses.asdict(spec.likelihood),
        "run": [spec.n_firms, list(spec.seeds), spec.base.to_dict(), spec.targets_file],
        "optimizer": [spec.method, spec.maxiter, spec.popsize, spec.tol, spec.seed,
                      spec.workers, list(spec.mutation), spec.recombination],
    }  # fmt: skip
    return json.dumps(doc, sort_keys=True, default=str)


# Keys of each table, with (expected types, description) for the error messages.
_NUM = (int, float)
_SPEC_TABLES: dict[str, dict[str, tuple[tuple[type, ...], str]]] = {
    "run": {
        "n_firms": ((int,), "integer >= 1"),
        "seeds": ((list,), "non-empty list of distinct integers >= 0"),
        "params": ((str,), "path of a parameter file (relative to the spec)"),
    },
    "optimizer": {
        "method": ((str,), f"one of {', '.join(METHODS)}"),
        "maxiter": ((int,), "integer >= 0 (generations after the initial one)"),
        "popsize": ((int,), "integer >= 1 (population = popsize x free parameters)"),
        "tol": (_NUM, "number >= 0 (relative tolerance of the population's spread)"),
        "seed": ((int,), "integer >= 0"),
        "workers": ((int,), "integer >= 1 (processes)"),
        "mutation": (
            (list, int, float),
            "number in [0, 2) or [low, high] with 0 <= low < high < 2",
        ),
        "recombination": (_NUM, "number in [0, 1]"),
    },
    "likelihood": {
        "deff": (_NUM, "number >= 1 (design effect)"),
        "mean_cv": (_NUM, "number > 0"),
        "proportion": ((str,), "'binomial' or 'beta_binomial'"),
        "phi": (_NUM, "number > 0 (beta-binomial concentration)"),
        "stage_concentration": (_NUM, "number > 0 (Dirichlet-multinomial concentration)"),
    },
    "targets": {
        "file": ((str,), "path of a targets file (relative to the spec)"),
        "weights": ((dict,), "table of calibration target id = weight >= 0"),
    },
}
_FREE_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), "a Params field or 'field[i]'"),
    "low": (_NUM, "number"),
    "high": (_NUM, "number"),
    "guess": (_NUM, "number within [low, high]"),
    "log": ((bool,), "true or false (search on the log scale)"),
}


def _type_ok(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    return isinstance(value, types)


def load_spec(path: str | os.PathLike[str] | None = None) -> CalibrationSpec:
    """Load and check a calibration spec (default: the packaged ``spec.toml``).

    Raises :class:`SpecError` naming the file, the key and what is allowed for: invalid TOML,
    an unknown table or key at any level, a value of the wrong type or out of range, an
    unknown parameter name, an index out of range, every element of a simplex freed (or
    freed shares that could sum past 1), ``low >= high``, a guess outside the bounds, an
    unknown or validation target id in the weights.
    """
    if path is None:
        ref = resources.files(PACKAGE).joinpath(SPEC_FILE)
        with resources.as_file(ref) as packaged:
            return load_spec(packaged)
    path = Path(path)
    src = str(path)
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(f"{src}: no such spec file") from None
    except IsADirectoryError:
        raise SpecError(f"{src}: is a folder, not a spec file") from None
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{src}: not valid TOML ({exc})") from None

    def fail(where: str, key: str | None, message: str) -> SpecError:
        at = f"{where}, key {key!r}" if key is not None else where
        return SpecError(f"{src}: {at}: {message}")

    allowed_top = ["free", *_SPEC_TABLES]
    for key in data:
        if key not in allowed_top:
            raise fail("top level", key, f"unknown key; allowed: {', '.join(allowed_top)}")
    tables: dict[str, dict[str, Any]] = {}
    for name, keys in _SPEC_TABLES.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise fail("top level", name, f"must be a table [{name}]")
        for key, value in table.items():
            if key not in keys:
                raise fail(f"[{name}]", key, f"unknown key; allowed: {', '.join(keys)}")
            types, what = keys[key]
            if not _type_ok(value, types):
                raise fail(f"[{name}]", key, f"expected {what}, got {value!r}")
        tables[name] = table

    run, opt, lik, tgt = (tables[k] for k in ("run", "optimizer", "likelihood", "targets"))

    # [run]
    n_firms = run.get("n_firms", 10_000)
    if n_firms < 1:
        raise fail("[run]", "n_firms", f"expected integer >= 1, got {n_firms}")
    seeds = run.get("seeds", [1, 2])
    if (
        not seeds
        or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds)
        or len(set(seeds)) != len(seeds)
    ):
        raise fail("[run]", "seeds", f"expected {_SPEC_TABLES['run']['seeds'][1]}, got {seeds!r}")
    base = Params()
    if "params" in run:
        params_path = (path.parent / run["params"]).resolve()
        try:
            base = Params.from_toml(params_path)
        except ParameterError as exc:
            raise fail("[run]", "params", str(exc)) from None

    # [optimizer]
    method = opt.get("method", "differential_evolution")
    if method not in METHODS:
        raise fail(
            "[optimizer]", "method", f"unknown method {method!r}; allowed: {', '.join(METHODS)}"
        )
    checks = {
        "maxiter": lambda v: v >= 0,
        "popsize": lambda v: v >= 1,
        "tol": lambda v: v >= 0,
        "seed": lambda v: v >= 0,
        "workers": lambda v: v >= 1,
        "recombination": lambda v: 0 <= v <= 1,
    }
    for key, ok in checks.items():
        if key in opt and not ok(opt[key]):
            raise fail(
                "[optimizer]",
                key,
                f"expected {_SPEC_TABLES['optimizer'][key][1]}, got {opt[key]!r}",
            )
    mutation = opt.get("mutation", [0.5, 1.0])
    mut = [mutation, mutation] if not isinstance(mutation, list) else mutation
    if (
        len(mut) != 2
        or not all(_type_ok(m, _NUM) for m in mut)
        or not 0 <= mut[0] <= mut[1] < 2
        or (isinstance(mutation, list) and mut[0] >= mut[1])
    ):
        raise fail(
            "[optimizer]",
            "mutation",
            f"expected {_SPEC_TABLES['optimizer']['mutation'][1]}, got {mutation!r}",
        )

    # [likelihood]
    lik_checks = {
        "deff": lambda v: v >= 1,
        "mean_cv": lambda v: v > 0,
        "phi": lambda v: v > 0,
        "stage_concentration": lambda v: v > 0,
        "proportion": lambda v: v in ("binomial", "beta_binomial"),
    }
    for key, ok in lik_checks.items():
        if key in lik and not ok(lik[key]):
            raise fail(
                "[likelihood]",
                key,
                f"expected {_SPEC_TABLES['likelihood'][key][1]}, got {lik[key]!r}",
            )
    settings = lk.LikelihoodSettings(
        **{k: (float(v) if k != "proportion" else v) for k, v in lik.items()}
    )

    # [targets]
    targets_file = None
    if "file" in tgt:
        targets_file = str((path.parent / tgt["file"]).resolve())
    try:
        pool = tg.load_targets(targets_file)
    except tg.TargetsError as exc:
        raise fail("[targets]", "file", str(exc)) from None
    calibration_ids = [t.id for t in pool if t.use == "calibration"]
    validation_ids = {t.id for t in pool if t.use == "validation"}
    weights: dict[str, float] = {}
    for tid, w in tgt.get("weights", {}).items():
        where = "[targets.weights]"
        if tid in validation_ids:
            raise fail(where, tid, "is a validation target (held out, never fitted); allowed: "
                       f"the calibration target ids {', '.join(calibration_ids)}")  # fmt: skip
        if tid not in calibration_ids:
            raise fail(where, tid, f"unknown target id; allowed: {', '.join(calibration_ids)}")
        if not _type_ok(w, _NUM) or not math.isfinite(w) or w < 0:
            raise fail(where, tid, f"weight must be a number >= 0, got {w!r}")
        weights[tid] = float(w)

    # [[free]]
    raw_free = data.get("free")
    if not isinstance(raw_free, list) or not raw_free:
        raise fail("top level", "free", "missing: at least one [[free]] entry is needed")
    free: list[FreeParameter] = []
    for i, entry in enumerate(raw_free):
        where = f"[[free]] entry {i}"
        if not isinstance(entry, dict):
            raise fail(where, None, "must be a table (name, low, high, guess, log)")
        if isinstance(entry.get("name"), str):
            where += f" ({entry['name']!r})"
        for key, value in entry.items():
            if key not in _FREE_KEYS:
                raise fail(where, key, f"unknown key; allowed: {', '.join(_FREE_KEYS)}")
            types, what = _FREE_KEYS[key]
            if not _type_ok(value, types):
                raise fail(where, key, f"expected {what}, got {value!r}")
        for key in ("name", "low", "high", "guess"):
            if key not in entry:
                raise fail(where, key, "missing required key")
        p = FreeParameter(
            name=entry["name"],
            low=float(entry["low"]),
            high=float(entry["high"]),
            guess=float(entry["guess"]),
            log=entry.get("log", False),
        )
        problem = _free_problem(p)
        if problem is not None:
            raise fail(where, *problem)
        if any(q.name == p.name for q in free):
            raise fail(where, "name", f"{p.name!r} is freed twice")
        free.append(p)

    return CalibrationSpec(
        free=tuple(free),
        weights=weights,
        likelihood=settings,
        n_firms=int(n_firms),
        seeds=tuple(int(s) for s in seeds),
        method=method,
        maxiter=int(opt.get("maxiter", 30)),
        popsize=int(opt.get("popsize", 5)),
        tol=float(opt.get("tol", 0.0)),
        seed=int(opt.get("seed", 2025)),
        workers=int(opt.get("workers", 2)),
        mutation=(float(mut[0]), float(mut[1])),
        recombination=float(opt.get("recombination", 0.7)),
        base=base,
        targets_file=targets_file,
        source=src,
        sha256=_sha256(raw_bytes),
    )


def write_spec(path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Copy the packaged default spec to ``path`` to edit (refuses to overwrite an existing
    file unless ``force``).  Returns the path."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists (use --force to overwrite it)")
    text = resources.files(PACKAGE).joinpath(SPEC_FILE).read_text(encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write_text(path, text)
    return path


# --- the objective --------------------------------------------------------------------------------


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
        from .survey import NOT_MODELLED, run_survey

        params = to_params(x, self.free, self.base)
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
            "code": _code_hash(),
        }
        return _sha256(json.dumps(doc, sort_keys=True, default=str).encode())


def _code_hash() -> str:
    """SHA-256 of the source of the model and of the survey/likelihood modules."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "model").glob("*.py")) + [
        root / "calibration" / name for name in ("survey.py", "likelihood.py", "targets.py")
    ]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


# Worker-process side: the objective is sent once per worker (pool initializer).
_WORKER_OBJECTIVE: Objective | None = None


def _init_worker(objective: Objective) -> None:
    global _WORKER_OBJECTIVE
    _WORKER_OBJECTIVE = objective


_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _pool(n_workers: int, objective: Objective) -> Any:
    """A 'spawn' pool of worker processes, each holding the objective, with one BLAS thread
    each: the survey's dot products on 20,000 respondents otherwise wake OpenBLAS's threads
    at every call, which costs more than the product (measured: 0.25 s per evaluation at
    10,000 firms instead of 0.09 s) and oversubscribes the cores between workers."""
    ctx = multiprocessing.get_context("spawn")
    saved = {k: os.environ.get(k) for k in _THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(_THREAD_VARIABLES, "1"))
    try:  # spawned children copy the environment when they start, here
        return ctx.Pool(n_workers, initializer=_init_worker, initargs=(objective,))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while calibrating, so that the worker pool is terminated
    (and no orphan process keeps computing) when the calibration is killed."""
    import signal
    import threading

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


def _evaluate_task(task: tuple[tuple[float, ...], int]) -> float:
    x, seed = task
    assert _WORKER_OBJECTIVE is not None, "worker not initialised"
    return _WORKER_OBJECTIVE.one(x, seed)


# --- the evaluation log ---------------------------------------------------------------------------


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
        _atomic_write_text(self.key_path, json.dumps(meta, indent=1) + "\n")
        _atomic_write_text(self.path, ",".join(self.header) + "\n")
        return 0

    def _reload(self) -> int:
        raw = self.path.read_bytes()
        # a kill in the middle of a write leaves a last line without its newline: drop it
        cut = raw.rfind(b"\n") + 1
        if cut < len(raw):
            with self.path.open("r+b") as fh:
                fh.truncate(cut)
        text = raw[:cut].decode("utf-8")
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
        """Log a batch of new evaluations in one write (flushed and synced)."""
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
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())


class _CachedPoolMap:
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
            chunk = max(1, len(tasks) // (4 * self.workers))
            results = self.pool.map(_evaluate_task, tasks, chunksize=chunk)
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


# --- calibrate ------------------------------------------------------------------------------------


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


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write_set(
    path: Path, kept: Sequence[tuple[np.ndarray, float]], free: Sequence[FreeParameter]
) -> list[dict[str, float]]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["loss", *(p.name for p in free)])
    out = []
    for x, loss in kept:
        values = free_values(x, free)
        writer.writerow([repr(float(loss)), *(repr(values[p.name]) for p in free)])
        out.append({"loss": float(loss), **values})
    _atomic_write_text(path, buf.getvalue())
    return out


def _resolve_spec(spec: CalibrationSpec | str | os.PathLike[str] | None) -> CalibrationSpec:
    if isinstance(spec, CalibrationSpec):
        return spec
    return load_spec(spec)


def calibrate(
    spec: CalibrationSpec | str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] = "aiadopt-fit",
    progress: bool = True,
    resume: bool = True,
    *,
    workers: int | None = None,
    echo: Callable[[str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> CalibrationResult:
    """Fit the free parameters of ``spec`` (a spec, a spec file, or ``None`` for the packaged
    default) by differential evolution, and write into ``out_dir``:

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
    import scipy.optimize

    from .. import __version__

    spec = _resolve_spec(spec)
    n_workers = spec.workers if workers is None else int(workers)
    if n_workers < 1:
        raise SpecError(f"workers must be at least 1, got {n_workers}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CalibrationError(f"{out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    objective = spec.objective()
    code_at_start = _code_hash()
    log = EvaluationLog(out, objective)
    reloaded = log.open(resume)
    if echo is not None and reloaded:
        echo(f"Resuming: {reloaded} evaluations reloaded from {log.path}.")

    show = progress and sys.stderr.isatty()
    t0 = time.perf_counter()
    pool_cm: Any = _pool(n_workers, objective) if n_workers > 1 else contextlib.nullcontext(None)
    from tqdm.auto import tqdm

    bar_cm: Any = (
        tqdm(total=spec.maxiter + 1, unit="gen", desc="calibrate", disable=not show)
        if show
        else contextlib.nullcontext(None)
    )
    with _terminate_on_sigterm(), pool_cm as pool, bar_cm as bar:
        mapper = _CachedPoolMap(objective, log, pool, n_workers, bar, on_batch)
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
        if pool is not None:
            pool.close()
            pool.join()
    elapsed = time.perf_counter() - t0
    if _code_hash() != code_at_start:
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
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "loss": loss,
        "loss_is": "mean over seeds of the deviance of the expected-mode simulated survey",
        "n_evaluations": int(mapper.n_evaluations),
        "n_generations": int(mapper.generation),
        "seeds": list(spec.seeds),
        "n_firms": int(spec.n_firms),
        "targets_version": tg.load_meta(spec.targets_file).version,
        "package_version": __version__,
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
    plausible = _write_set(set_path, kept, spec.free)
    files["plausible_set"] = set_path
    if Path(spec.source).is_file():
        spec_copy = out / SPEC_FILE
        if Path(spec.source).resolve() != spec_copy.resolve():
            _atomic_write_text(spec_copy, Path(spec.source).read_text(encoding="utf-8"))
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


def report_fit(
    params: Params | str | os.PathLike[str] | None = None,
    *,
    replicates: int | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
) -> Any:
    """The fit report (:func:`aiadopt.calibration.report.fit_report`, sampled-survey mode) of
    ``params``: a parameter set, a parameter file (e.g. a calibration's ``fitted.toml``) or
    ``None`` for the shipped parameters; written into ``out_dir`` if given."""
    from .report import DEFAULT_REPLICATES, fit_report

    if params is not None and not isinstance(params, Params):
        params = Params.from_toml(params)
    return fit_report(
        params,
        replicates=DEFAULT_REPLICATES if replicates is None else int(replicates),
        out_dir=out_dir,
        progress=progress,
    )


# --- the plausible set ----------------------------------------------------------------------------


def _packaged_set() -> Path:
    ref = resources.files(PACKAGE).joinpath(SET_FILE)
    with resources.as_file(ref) as p:
        return Path(p)


def load_plausible_set(
    path: str | os.PathLike[str] | None = None, base: Params | None = None
) -> list[Params]:
    """The plausible parameter sets of a calibration (see :func:`plausible_set` for what they
    are and are not), best first.

    ``path`` is a ``fitted_set.csv`` (default: the packaged ``aiadopt/calibration/
    fitted_set.csv``); its columns are ``loss`` and the free parameters' full names, set on
    ``base`` (default: the ``fitted.toml`` beside the file, which holds every other
    parameter of that calibration).
    """
    path = _packaged_set() if path is None else Path(path)
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
        fname, index = _split_name(name)
        f = _FIELDS.get(fname)
        if f is None or (index is not None and index >= len(f.default)):
            raise CalibrationError(f"{path}: column {name!r} is not a parameter")
    out = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(header):
            raise CalibrationError(
                f"{path}, line {line}: {len(row)} values, expected {len(header)}"
            )
        try:
            values = {n: float(v) for n, v in zip(names, row[1:], strict=True)}
            out.append(_apply(values, base))
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
