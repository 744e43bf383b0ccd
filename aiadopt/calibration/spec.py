"""The calibration spec: what a fit may move, how it is scored and how it is run.

:class:`CalibrationSpec` (:func:`load_spec`) is everything a calibration needs, read from a
TOML file checked strictly (:class:`SpecError` names the file, the key and what is allowed).
The package ships a default spec, ``aiadopt/calibration/spec.toml`` (:func:`write_spec`
copies it for editing).  :meth:`CalibrationSpec.objective` is the loss function it defines
(:mod:`aiadopt.calibration.objective`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..files import write_atomic
from ..model import ParameterError, Params
from . import likelihood as lk
from . import targets as tg
from .errors import SpecError
from .free import FreeParameter, check_free, free_problem
from .objective import Objective

__all__ = [
    "METHODS",
    "SPEC_FILE",
    "CalibrationSpec",
    "fitted_targets",
    "load_spec",
    "resolve_spec",
    "write_spec",
]

PACKAGE = "aiadopt.calibration"
SPEC_FILE = "spec.toml"
METHODS = ("differential_evolution",)


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


def resolve_spec(spec: CalibrationSpec | str | os.PathLike[str] | None) -> CalibrationSpec:
    """``spec`` itself, or the spec loaded from a file (``None``: the packaged one)."""
    if isinstance(spec, CalibrationSpec):
        return spec
    return load_spec(spec)


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
    except UnicodeDecodeError as exc:
        raise SpecError(f"{src}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
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
        problem = free_problem(p)
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
    write_atomic(path, text)
    return path
