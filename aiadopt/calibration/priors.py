"""Priors for every parameter of the model (issue 13, point 1): what is believed before the
data, with the source of each belief and its width.

Every float parameter of :class:`~aiadopt.model.Params` (every element of a float tuple; a
share vector that sums to 1 as one whole) has a prior.  ``priors.toml`` (beside this module)
states the priors that rest on a source: a figure of the study's text, the literature, or a
judgement stated as one, with the reason for its width.  Every other parameter gets a
generic prior from its own declaration (unit and allowed range; :func:`generic_prior`),
centred on its cited default and labelled as such, so that the prior of a parameter is never
silent.  Settings that are not uncertain (the population size, the calendar, the choice of
imitation pool, integer settings) are fixed, with that reason.

Each prior is a distribution of ``scipy.stats`` truncated to the parameter's allowed range
(by the inverse of its distribution function, so that sampling and density agree), or a
Dirichlet for a share vector.  :class:`PriorSet` samples parameter sets from the priors
(one ``numpy`` generator: no global state) and evaluates their log-density.

No prior may be centred on a calibration or validation target: a prior copied from the data
it is fitted to counts that evidence twice (``priors.toml`` says where each centre comes
from).
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..model import ParameterError, Params
from .errors import SpecError
from .free import split_name

__all__ = [
    "FAMILIES",
    "Prior",
    "PriorError",
    "PriorSet",
    "generic_prior",
    "load_priors",
    "parameter_elements",
]

PRIORS_FILE = "priors.toml"
"""The packaged priors, beside this module."""

FAMILIES: dict[str, tuple[str, ...]] = {
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "beta": ("mean", "concentration"),
    "uniform": ("low", "high"),
    "dirichlet": ("concentration",),
    "fixed": (),
}
"""The families a prior may take, and the arguments each needs (a Dirichlet's mean is the
parameter's default shares; a fixed prior keeps the default)."""

_FIELDS = {f.name: f for f in dataclasses.fields(Params)}
_DEFAULTS = Params()


class PriorError(SpecError):
    """A prior is invalid; the message names the file, the entry, the key and what is
    allowed."""


@dataclass(frozen=True)
class Prior:
    """The prior of one parameter element (``"bass_p"``, ``"difficulty[4]"``) or of one share
    vector as a whole (``"size_shares"``, Dirichlet)."""

    name: str
    family: str
    args: Mapping[str, float] = field(default_factory=dict)
    source: str = ""
    low: float | None = None
    high: float | None = None
    unit: str = ""

    @property
    def fixed(self) -> bool:
        """A fixed prior: the parameter keeps its value."""
        return self.family == "fixed"

    def frozen(self) -> Any:
        """The untruncated ``scipy.stats`` distribution of a scalar prior."""
        a = self.args
        if self.family == "normal":
            return stats.norm(a["mean"], a["sd"])
        if self.family == "lognormal":
            return stats.lognorm(a["sigma"], scale=a["median"])
        if self.family == "beta":
            m, c = a["mean"], a["concentration"]
            return stats.beta(m * c, (1.0 - m) * c)
        if self.family == "uniform":
            return stats.uniform(a["low"], a["high"] - a["low"])
        raise ValueError(f"{self.name}: a {self.family} prior has no scalar distribution")

    def _cdf_bounds(self) -> tuple[float, float]:
        dist = self.frozen()
        lo = 0.0 if self.low is None else float(dist.cdf(self.low))
        hi = 1.0 if self.high is None else float(dist.cdf(self.high))
        return lo, hi

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws, within the parameter's range (inverse-CDF truncation); for a
        Dirichlet, an (n, k) array of share vectors."""
        if self.family == "dirichlet":
            alpha = self.args["concentration"] * np.asarray(getattr(_DEFAULTS, self.name))
            return rng.dirichlet(np.maximum(alpha, 1e-3), size=n)
        lo, hi = self._cdf_bounds()
        u = lo + (hi - lo) * rng.random(n)
        x = self.frozen().ppf(u)
        if self.low is not None:
            x = np.maximum(x, self.low)
        if self.high is not None:
            x = np.minimum(x, self.high)
        return x

    def logpdf(self, value: float | Sequence[float]) -> float:
        """Log-density at ``value`` (of the truncated distribution; -inf outside the range)."""
        if self.family == "dirichlet":
            alpha = self.args["concentration"] * np.asarray(getattr(_DEFAULTS, self.name))
            x = np.clip(np.asarray(value, dtype=float), 1e-12, 1.0)
            return float(stats.dirichlet.logpdf(x / x.sum(), np.maximum(alpha, 1e-3)))
        x = float(value)  # type: ignore[arg-type]
        if (self.low is not None and x < self.low) or (self.high is not None and x > self.high):
            return -math.inf
        lo, hi = self._cdf_bounds()
        return float(self.frozen().logpdf(x)) - math.log(max(hi - lo, 1e-300))

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Central ``level`` interval of a scalar prior (within the range)."""
        lo, hi = self._cdf_bounds()
        q = (1.0 - level) / 2.0
        dist = self.frozen()
        return float(dist.ppf(lo + (hi - lo) * q)), float(dist.ppf(lo + (hi - lo) * (1 - q)))


def parameter_elements() -> list[str]:
    """Every name a prior is given to: float fields, elements of float tuples, whole share
    vectors, and the other settings (fixed)."""
    names: list[str] = []
    for f in dataclasses.fields(Params):
        default = f.default
        if isinstance(default, tuple) and not f.metadata["simplex"]:
            names += [f"{f.name}[{i}]" for i in range(len(default))]
        else:
            names.append(f.name)
    return names


def _default_of(name: str) -> Any:
    fname, index = split_name(name)
    value = getattr(_DEFAULTS, fname)
    return value[index] if index is not None else value


def generic_prior(name: str) -> Prior:
    """The prior of a parameter that ``priors.toml`` does not name, from its declaration:

    - settings (calendar, population, choices, integers): fixed;
    - share vectors: Dirichlet with concentration 50 around the default shares;
    - monthly hazards: log-normal around the default, sigma 0.7 (a factor 2 either way at
      one sd);
    - log-effects and logits (signed): normal around the default, sd max(0.5, |default|/2),
      at most an eighth of the allowed range;
    - values in [0, 1] that are not hazards: beta around the default, concentration 20;
    - other positive quantities: log-normal around the default, sigma 0.5;
    - a default of 0 on a range starting at 0: half-normal of scale a tenth of the range.

    Each is truncated to the parameter's allowed range.  Its source says it is generic."""
    fname, _ = split_name(name)
    f = _FIELDS[fname]
    meta = f.metadata
    unit, low, high = meta["unit"], meta["low"], meta["high"]
    default = _default_of(name)
    common = {"low": low, "high": high, "unit": unit}

    def make(family: str, args: dict[str, float], rule: str) -> Prior:
        source = f"generic prior ({rule}) centred on the cited default {default!r}: judgement"
        return Prior(name, family, args, source, **common)

    if unit == "YYYY-MM" or meta["choices"] is not None or isinstance(default, bool | int | str):
        return Prior(name, "fixed", {}, "a setting of the run, not an uncertain quantity",
                     None, None, unit)  # fmt: skip
    if meta["simplex"]:
        return make("dirichlet", {"concentration": 50.0}, "share vector")
    signed = low is not None and low < 0
    if default == 0.0 and not signed:
        span = (high if high is not None else 1.0) - (low or 0.0)
        return make("normal", {"mean": 0.0, "sd": 0.1 * span}, "half-normal at 0")
    if "per month" in unit and not signed:
        return make("lognormal", {"median": default, "sigma": 0.7}, "monthly hazard")
    if signed:
        sd = max(0.5, abs(default) / 2)
        if high is not None:
            sd = min(sd, (high - low) / 8)
        return make("normal", {"mean": default, "sd": sd}, "signed effect")
    if low is not None and high is not None and low >= 0.0 and high <= 1.0:
        mean = min(max(default, 0.02), 0.98)
        return make("beta", {"mean": mean, "concentration": 20.0}, "share in [0, 1]")
    return make("lognormal", {"median": default, "sigma": 0.5}, "positive quantity")


@dataclass(frozen=True)
class PriorSet:
    """The prior of every parameter (``priors``, by name) and where they were read from."""

    priors: Mapping[str, Prior]
    source: str

    @property
    def uncertain(self) -> list[Prior]:
        """The priors that are not fixed."""
        return [p for p in self.priors.values() if not p.fixed]

    def sample(self, rng: np.random.Generator, n: int, base: Params | None = None) -> list[Params]:
        """``n`` parameter sets drawn from the priors (``base`` keeps the fixed settings,
        e.g. the number of firms).  Draws that break a constraint between parameters (e.g.
        ``no_collaboration_threshold`` above ``balanced_threshold``) are redrawn: the joint
        prior is the product of the priors restricted to valid sets."""
        base = base or _DEFAULTS
        out: list[Params] = []
        for _ in range(20):
            batch = max(n - len(out), 1)
            draws = {p.name: p.sample(rng, batch) for p in self.uncertain}
            for k in range(batch):
                try:
                    out.append(base.replace(**self._values(draws, k, base)))
                except ParameterError:
                    continue
            if len(out) >= n:
                return out[:n]
        raise PriorError(f"{self.source}: fewer than {n} valid parameter sets in 20 batches "
                         "of draws (the priors put little mass on valid sets)")  # fmt: skip

    @staticmethod
    def _values(draws: Mapping[str, np.ndarray], k: int, base: Params) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, x in draws.items():
            fname, index = split_name(name)
            if index is None:
                values[fname] = tuple(map(float, x[k])) if x.ndim == 2 else float(x[k])
            else:
                current = list(values.get(fname, getattr(base, fname)))
                current[index] = float(x[k])
                values[fname] = tuple(current)
        return values

    def logpdf(self, params: Params) -> float:
        """Log-density of a parameter set under the priors (fixed settings excluded)."""
        total = 0.0
        for p in self.uncertain:
            fname, index = split_name(p.name)
            value = getattr(params, fname)
            total += p.logpdf(value[index] if index is not None else value)
        return total

    def table(self) -> pd.DataFrame:
        """One row per prior: name, family, arguments, 90% interval, range, unit, source."""
        rows = []
        for p in self.priors.values():
            lo90, hi90 = (math.nan, math.nan)
            if p.family not in ("fixed", "dirichlet"):
                lo90, hi90 = p.interval(0.9)
            rows.append({
                "name": p.name, "family": p.family,
                "args": ", ".join(f"{k}={v:g}" for k, v in p.args.items()),
                "p05": lo90, "p95": hi90, "low": p.low, "high": p.high, "unit": p.unit,
                "source": p.source,
            })  # fmt: skip
        return pd.DataFrame(rows)


def _fail(where: str, key: str, message: str) -> PriorError:
    return PriorError(f"{where}, key {key!r}: {message}")


def _check_entry(raw: Any, where: str, names: set[str]) -> Prior:
    """One ``[[prior]]`` entry, checked: its name, family, arguments and source."""
    if not isinstance(raw, Mapping):
        raise PriorError(f"{where}: must be a table with name, family, source and arguments")
    allowed = {"name", "family", "source", "width"} | {a for f in FAMILIES.values() for a in f}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _fail(where, unknown[0], f"unknown key; allowed: {', '.join(sorted(allowed))}")
    name = raw.get("name")
    if not isinstance(name, str) or name not in names:
        raise _fail(where, "name", f"{name!r} is not a parameter element; allowed: the names "
                    "of 'aiadopt params' (an element of a tuple as 'field[i]', a share vector "
                    "as a whole)")  # fmt: skip
    family = raw.get("family")
    if family not in FAMILIES:
        raise _fail(where, "family", f"{family!r}; allowed: {', '.join(FAMILIES)}")
    fname, _ = split_name(name)
    f = _FIELDS[fname]
    simplex = bool(f.metadata["simplex"])
    if (family == "dirichlet") != simplex:
        need = "dirichlet" if simplex else "a scalar family"
        raise _fail(where, "family", f"{name!r} needs {need}, got {family!r}")
    args, text = prior_fields(raw, family, where)
    meta = f.metadata
    return Prior(name, family, args, text, meta["low"], meta["high"], meta["unit"])


def prior_fields(raw: Mapping[str, Any], family: str, where: str,
                 error: type[SpecError] = PriorError) -> tuple[dict[str, float], str]:  # fmt: skip
    """A prior entry's arguments for its ``family`` and its source text (with its width),
    checked; ``error`` (naming ``where`` and the key) for a missing source, a non-number, an
    argument of another family, or an argument out of its range.  Shared by the parameters'
    priors and the series' nuisance priors (``series.py``)."""
    def fail(key: str, message: str) -> SpecError:
        return error(f"{where}, key {key!r}: {message}")

    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise fail("source", "every prior states its source (a figure, the literature or "
                   "'judgement: ...')")  # fmt: skip
    args: dict[str, float] = {}
    for key in FAMILIES[family]:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value
        ):
            raise fail(key, f"a {family} prior needs a finite number, got {value!r}")
        args[key] = float(value)
    extra = sorted(set(raw) - {"name", "family", "source", "width", *FAMILIES[family]})
    if extra:
        raise fail(extra[0], f"not an argument of a {family} prior; allowed: "
                   f"{', '.join(FAMILIES[family]) or '(none)'}")  # fmt: skip
    try:
        _check_args(family, args, where)
    except PriorError as exc:
        raise error(str(exc)) from None
    width = raw.get("width")
    return args, (source if width is None else f"{source}; width: {width}")


def read_toml(path: str | Path | None, packaged: str, what: str,
              error: type[SpecError]) -> tuple[dict[str, Any], str]:  # fmt: skip
    """The TOML document of ``path``, or of the calibration's packaged file ``packaged`` when
    ``path`` is None, and how messages name it; ``error`` naming the file when it cannot be
    read or is not TOML (``what``: what the file holds, for the message)."""
    text, where = read_text(path, packaged, what, error)
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML ({exc})") from None


def read_text(path: str | Path | None, packaged: str, what: str,
              error: type[SpecError]) -> tuple[str, str]:  # fmt: skip
    """The text of ``path``, or of the calibration's packaged file ``packaged``, and how
    messages name it; ``error`` naming the file when it cannot be read."""
    if path is None:
        ref = resources.files(__package__).joinpath(packaged)
        return ref.read_text(encoding="utf-8"), f"aiadopt/calibration/{packaged}"
    try:
        return Path(path).read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the {what} ({exc})") from None


def _check_args(family: str, args: Mapping[str, float], where: str) -> None:
    positive = {"sd", "median", "sigma", "concentration"}
    for key, value in args.items():
        if key in positive and value <= 0:
            raise _fail(where, key, f"must be > 0, got {value}")
    if family == "beta" and not 0 < args["mean"] < 1:
        raise _fail(where, "mean", f"a beta mean must be in (0, 1), got {args['mean']}")
    if family == "uniform" and not args["low"] < args["high"]:
        raise _fail(where, "low", f"low ({args['low']}) must be below high ({args['high']})")


def load_priors(path: str | Path | None = None) -> PriorSet:
    """The priors of ``path`` (default: the packaged ``priors.toml``), every other parameter
    with its :func:`generic_prior`.  Raises :class:`PriorError` naming the file, the entry
    and the key for a malformed file, an unknown parameter, a bad family or argument, or a
    parameter given two priors."""
    data, where = read_toml(path, PRIORS_FILE, "priors", PriorError)
    unknown = sorted(set(data) - {"prior"})
    if unknown:
        raise PriorError(f"{where}: unknown top-level key {unknown[0]!r}; allowed: prior")
    entries = data.get("prior", [])
    if not isinstance(entries, list):
        raise PriorError(f"{where}: 'prior' must be an array of tables ([[prior]])")
    names = set(parameter_elements())
    stated: dict[str, Prior] = {}
    for i, raw in enumerate(entries):
        entry_where = f"{where}: [[prior]] entry {i}"
        if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
            entry_where += f" ({raw['name']!r})"
        prior = _check_entry(raw, entry_where, names)
        if prior.name in stated:
            raise _fail(entry_where, "name", f"{prior.name!r} has a prior already")
        stated[prior.name] = prior
    priors = {name: stated.get(name) or generic_prior(name) for name in parameter_elements()}
    return PriorSet(priors, where)
