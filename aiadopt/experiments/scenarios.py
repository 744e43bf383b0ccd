"""Scenarios: parameter overrides and interventions, read from TOML files, with sweeps.

A scenario file (TOML) holds::

    name = "strategy"                      # optional: defaults to the file's stem
    description = "Half of the engaged firms adopt a tripartite strategy from June 2025"
    source = "Figure 9: only 10% of firms have a strategy shared by Direction, ..."  # optional

    [overrides]                            # optional: model parameters to change
    bass_q = 0.06

    [[interventions]]                      # optional, any number (see aiadopt.model.interventions)
    type = "tripartite_strategy"           # one of aiadopt.model.interventions.KINDS
    start = "2025-06"
    end = "2027-12"                        # optional, inclusive
    share = 0.5                            # share of the eligible firms treated
    eligible = {sizes = ["100_249"], sectors = ["industry"], stages = ["planned"]}  # optional
    name = "strategy"                      # optional label (used by sweeps)
    remove = true                          # optional: take the factor away instead

    [[sweep]]                              # optional, at most two levers (a grid)
    lever = "intervention.strategy.share"  # or a parameter name, e.g. "bass_q"
    range = {start = 0.0, stop = 0.5, num = 6}   # inclusive; or: values = [0.0, 0.25, 0.5]

A sweep expands a scenario into one point per value (per combination of values for two
levers), each a scenario of its own in the results, named like ``strategy[share=0.1]``.
Levers are a model parameter (``bass_q``, or ``params.bass_q``) or a field of an intervention
(``intervention.<name or type>.<share|reduction|start|end>``).

A scenario changes who has what (which firms get or lose a success factor, from when), never a
success factor's coefficient (``FACTOR_COEFFICIENTS``: refused in overrides and sweeps): the
answer of a zeroed coefficient depends on which category is the reference.  Its
``description`` says which firms, which state and from when; it is shown by ``aiadopt
experiment --list``, in the summary, the figures and the report.

A scenario's overrides (and its swept parameters) apply on top of each replicate's parameter
vector (the calibrated draw of :mod:`aiadopt.experiments.seeds`): they win over it.

Every error (unknown key, value out of range, bad lever) is a :class:`ScenarioError` whose
message names the file and the key.  ``n_firms``, ``start`` and ``horizon`` cannot be
overridden: the population size and the last month are set by the experiment (``--firms``,
``--until``) so that all its scenarios compare like with like.

The built-in scenarios ship as TOML files beside this module (``scenarios/*.toml``); each says
which figure of the study motivates it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import ParameterError, Params
from ..model.interventions import Intervention, InterventionError

__all__ = [
    "BUILTIN_SCENARIOS",
    "Lever",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "describe_builtin_scenarios",
    "load_scenario",
    "load_scenarios",
]

BUILTIN_SCENARIOS = (
    "baseline",
    "strategy",
    "outsourcing",
    "training",
    "combined",
    "no_success_factors",
)
"""The scenarios shipped with the package, in the order they are run and reported."""

SCENARIO_KEYS = ("name", "description", "source", "overrides", "interventions", "sweep")
LEVER_KEYS = ("lever", "values", "range")
RANGE_KEYS = ("start", "stop", "num")
INTERVENTION_FIELDS = ("share", "reduction", "start", "end")
RESERVED_PARAMETERS = ("n_firms", "start", "horizon")
FACTOR_COEFFICIENTS = (
    "strategy_effect",
    "manager_effect",
    "training_effect",
    "dedicated_effect",
    "roles_effect",
    "collaboration_effect",
    "complementarity",
)
"""The success factors' coefficients: no scenario sets them.  Zeroing one answers a question
that depends on which category is the reference (the handicap of firms without the factor
goes with the advantage of those with it); a scenario asks by state instead (interventions
with ``remove = true``, as in the built-in ``no_success_factors``)."""
_BY_STATE = (
    "a scenario changes who has what, not a success factor's coefficient (the answer would "
    "depend on the reference category); take the factor away by state instead: an "
    "intervention with remove = true (see the built-in no_success_factors)"
)
MAX_LEVERS = 2

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_POINT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\[[A-Za-z0-9_.\-+=,]+\]$")
_PARAM_NAMES = tuple(f.name for f in dataclasses.fields(Params))


class ScenarioError(ValueError):
    """A scenario is ill-defined; the message names the file (or scenario) and the key."""


@dataclass(frozen=True)
class Lever:
    """One swept lever: a parameter name or ``intervention.<label>.<field>``, and its values."""

    path: str
    values: tuple[Any, ...]

    @property
    def is_intervention(self) -> bool:
        return self.path.startswith("intervention.")

    @property
    def target(self) -> str:
        """The parameter name, or the intervention's label."""
        if self.is_intervention:
            return self.path.split(".")[1]
        return self.path.removeprefix("params.")

    @property
    def field(self) -> str:
        """The intervention field (``share`` ...), or the parameter name."""
        return self.path.split(".")[2] if self.is_intervention else self.target

    def to_dict(self) -> dict[str, Any]:
        return {"lever": self.path, "values": [_jsonable(v) for v in self.values]}


@dataclass(frozen=True)
class Scenario:
    """A named scenario: parameter overrides and interventions (and optionally a sweep).

    Build one in Python (``Scenario("x", interventions=(Intervention(...),))``) or read it
    from a TOML file with :func:`load_scenario`.  ``points()`` expands a sweep into one
    scenario per point; a scenario without a sweep is its own single point.
    """

    name: str
    description: str = ""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    interventions: tuple[Intervention, ...] = ()
    source: str = ""
    sweep: tuple[Lever, ...] = ()
    origin: str = ""
    """Where the scenario was read from (a file, ``built-in``), for error messages."""
    coordinates: tuple[tuple[str, Any], ...] = ()
    """For a sweep point: each lever's path and its value at this point."""

    def __post_init__(self) -> None:
        where = self.origin or f"scenario {self.name!r}"
        pattern = _POINT if self.coordinates else _NAME
        if not isinstance(self.name, str) or not pattern.match(self.name):
            raise ScenarioError(
                f"{where}: name must be letters, digits, '_', '.', '-' (starting with a letter "
                f"or digit), got {self.name!r}"
            )
        object.__setattr__(self, "interventions", tuple(self.interventions))
        object.__setattr__(self, "sweep", tuple(self.sweep))
        for iv in self.interventions:
            if not isinstance(iv, Intervention):
                raise ScenarioError(f"{where}: interventions must be Intervention objects")
        object.__setattr__(self, "overrides", _check_overrides(dict(self.overrides), where))
        if len(self.sweep) > MAX_LEVERS:
            raise ScenarioError(
                f"{where}: sweep: at most {MAX_LEVERS} levers, got {len(self.sweep)}"
            )
        if self.sweep:
            self.points()  # every point must be valid

    # --- sweeps -------------------------------------------------------------------------------
    def points(self) -> list[Scenario]:
        """The scenarios this one stands for: itself, or one per point of its sweep."""
        if not self.sweep:
            return [self]
        where = self.origin or f"scenario {self.name!r}"
        labels = _lever_labels(self.sweep)
        points = []
        for combo in itertools.product(*(lever.values for lever in self.sweep)):
            overrides = dict(self.overrides)
            interventions = list(self.interventions)
            for k, (lever, value) in enumerate(zip(self.sweep, combo, strict=True)):
                key = f"sweep[{k}] ({lever.path})"
                if lever.is_intervention:
                    i = _find_intervention(interventions, lever, where, key)
                    try:
                        interventions[i] = dataclasses.replace(
                            interventions[i], **{lever.field: value}
                        )
                    except (InterventionError, TypeError) as exc:
                        raise ScenarioError(f"{where}: {key}: value {value!r}: {exc}") from None
                else:
                    try:
                        _check_overrides({lever.target: value}, "")
                    except ScenarioError as exc:
                        problem = str(exc).split(": ", 2)[-1]
                        raise ScenarioError(f"{where}: {key}: value {value!r}: {problem}") from None
                    overrides[lever.target] = value
            coords = ",".join(f"{lb}={_fmt(v)}" for lb, v in zip(labels, combo, strict=True))
            name = f"{self.name}[{coords}]"
            try:
                point = Scenario(
                    name=name,
                    description=self.description,
                    overrides=overrides,
                    interventions=tuple(interventions),
                    source=self.source,
                    origin=where,
                    coordinates=tuple(
                        (lv.path, v) for lv, v in zip(self.sweep, combo, strict=True)
                    ),
                )
            except ScenarioError as exc:
                lever_paths = ", ".join(lv.path for lv in self.sweep)
                raise ScenarioError(f"{exc} (sweep point {name}; levers {lever_paths})") from None
            points.append(point)
        names = [p.name for p in points]
        if len(set(names)) != len(names):
            raise ScenarioError(f"{where}: sweep: two points have the same name (repeated values)")
        return points

    # --- use ----------------------------------------------------------------------------------
    def apply(self, params: Params) -> Params:
        """``params`` with this scenario's overrides."""
        return params.replace(**self.overrides) if self.overrides else params

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able description (for the experiment's manifest)."""
        out: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "overrides": {k: _jsonable(v) for k, v in sorted(self.overrides.items())},
            "interventions": [_intervention_dict(iv) for iv in self.interventions],
        }
        if self.sweep:
            out["sweep"] = [lever.to_dict() for lever in self.sweep]
        if self.coordinates:
            out["coordinates"] = {k: _jsonable(v) for k, v in self.coordinates}
        return out


# --- loading --------------------------------------------------------------------------------------
def builtin_scenarios() -> list[Scenario]:
    """The built-in scenarios, in :data:`BUILTIN_SCENARIOS` order."""
    return [load_scenario(name) for name in BUILTIN_SCENARIOS]


def describe_builtin_scenarios() -> str:
    """The built-in scenarios, one paragraph each: name, description, motivating figure."""
    lines = [f"{len(BUILTIN_SCENARIOS)} built-in scenarios (run all with no SCENARIO):", ""]
    for s in builtin_scenarios():
        lines.append(f"{s.name}: {s.description}")
        if s.source:
            lines.append(f"    motivated by: {s.source}")
    return "\n".join(lines)


def load_scenarios(
    specs: Iterable[str | Path | Scenario] | str | Path | Scenario,
) -> list[Scenario]:
    """Load each of ``specs`` (see :func:`load_scenario`) and expand sweeps into their points.

    Raises ScenarioError if two points share a name (case-insensitively, since names are
    folder names).
    """
    if isinstance(specs, str | Path | Scenario):
        specs = [specs]
    points = [p for spec in specs for p in load_scenario(spec).points()]
    if not points:
        raise ScenarioError("no scenario given")
    seen: dict[str, str] = {}
    for p in points:
        key = p.name.lower()
        if key in seen:
            raise ScenarioError(
                f"two scenarios are named {p.name!r}"
                + (f" (and {seen[key]!r})" if seen[key] != p.name else "")
                + "; give one of them another name"
            )
        seen[key] = p.name
    return points


def load_scenario(spec: str | Path | Scenario) -> Scenario:
    """A scenario from a built-in name (:data:`BUILTIN_SCENARIOS`) or a TOML file's path."""
    if isinstance(spec, Scenario):
        return spec
    text = str(spec)
    if isinstance(spec, str) and text in BUILTIN_SCENARIOS:
        ref = resources.files(__package__).joinpath("scenarios", f"{text}.toml")
        return parse_scenario(ref.read_text(encoding="utf-8"), origin=f"built-in {text}")
    path = Path(spec)
    if not path.is_file():
        if path.exists():
            raise ScenarioError(f"{path}: not a file")
        raise ScenarioError(
            f"unknown scenario {text!r}: neither a built-in scenario "
            f"({', '.join(BUILTIN_SCENARIOS)}) nor an existing TOML file"
        )
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc})") from None
    return parse_scenario(raw, origin=str(path), default_name=path.stem)


def parse_scenario(
    text: str, *, origin: str = "<string>", default_name: str | None = None
) -> Scenario:
    """A scenario from the text of a TOML file (``origin`` names it in error messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
    return scenario_from_dict(data, origin=origin, default_name=default_name)


def scenario_from_dict(
    data: Mapping[str, Any], *, origin: str = "<dict>", default_name: str | None = None
) -> Scenario:
    """A scenario from the parsed TOML table (see the module docstring for the keys)."""
    unknown = sorted(set(data) - set(SCENARIO_KEYS))
    if unknown:
        raise ScenarioError(
            f"{origin}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(SCENARIO_KEYS)}"
        )
    name = data.get("name", default_name)
    if name is None:
        raise ScenarioError(f"{origin}: name: missing")
    for key in ("name", "description", "source"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{origin}: {key}: must be a string, got {data[key]!r}")
    overrides = data.get("overrides", {})
    if not isinstance(overrides, Mapping):
        raise ScenarioError(f"{origin}: overrides: must be a table of parameter = value")
    raw_ivs = data.get("interventions", [])
    if not isinstance(raw_ivs, list) or not all(isinstance(x, Mapping) for x in raw_ivs):
        raise ScenarioError(
            f"{origin}: interventions: must be an array of tables [[interventions]]"
        )
    interventions = []
    for i, raw in enumerate(raw_ivs):
        try:
            interventions.append(Intervention.from_dict(raw))
        except InterventionError as exc:
            kind = f" ({raw['type']})" if isinstance(raw.get("type"), str) else ""
            raise ScenarioError(f"{origin}: interventions[{i}]{kind}: {exc}") from None
    sweep = _parse_sweep(data.get("sweep"), origin)
    return Scenario(
        name=name,
        description=data.get("description", ""),
        overrides=overrides,
        interventions=tuple(interventions),
        source=data.get("source", ""),
        sweep=sweep,
        origin=origin,
    )


# --- helpers --------------------------------------------------------------------------------------
def _check_overrides(overrides: dict[str, Any], where: str) -> dict[str, Any]:
    """Validate parameter overrides against the parameters' ranges; return them coerced."""
    reserved = sorted(set(overrides) & set(RESERVED_PARAMETERS))
    if reserved:
        raise ScenarioError(
            f"{where}: overrides.{reserved[0]}: cannot be set by a scenario (the experiment sets "
            "the number of firms and the months: --firms, --until)"
        )
    if not overrides:
        return {}
    factors = [k for k in overrides if k in FACTOR_COEFFICIENTS]
    if factors:
        raise ScenarioError(f"{where}: overrides.{factors[0]}: {_BY_STATE}")
    unknown = sorted(set(overrides) - set(_PARAM_NAMES))
    if unknown:
        raise ScenarioError(
            f"{where}: overrides: unknown parameter(s) {', '.join(unknown)} "
            "(see 'aiadopt params' for the list)"
        )
    try:
        params = Params.from_dict({**Params().to_dict(), **overrides}, source="overrides")
    except ParameterError as exc:
        message = str(exc).removeprefix("overrides: ")
        key = next((k for k in overrides if repr(k) in message), None)
        prefix = f"overrides.{key}" if key else "overrides"
        raise ScenarioError(f"{where}: {prefix}: {message}") from None
    return {k: getattr(params, k) for k in overrides}


def _parse_sweep(raw: Any, origin: str) -> tuple[Lever, ...]:
    if raw is None:
        return ()
    tables = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(tables, list) or not all(isinstance(t, Mapping) for t in tables):
        raise ScenarioError(f"{origin}: sweep: must be a table [sweep] or tables [[sweep]]")
    if not 1 <= len(tables) <= MAX_LEVERS:
        raise ScenarioError(f"{origin}: sweep: 1 or {MAX_LEVERS} levers, got {len(tables)}")
    levers = []
    for k, table in enumerate(tables):
        key = f"sweep[{k}]" if len(tables) > 1 else "sweep"
        unknown = sorted(set(table) - set(LEVER_KEYS))
        if unknown:
            raise ScenarioError(
                f"{origin}: {key}: unknown key(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(LEVER_KEYS)}"
            )
        path = table.get("lever")
        if not isinstance(path, str):
            raise ScenarioError(
                f"{origin}: {key}.lever: missing (a parameter or intervention.NAME.FIELD)"
            )
        _check_lever_path(path, origin, f"{key}.lever")
        if ("values" in table) == ("range" in table):
            raise ScenarioError(f"{origin}: {key}: give either 'values' or 'range'")
        if "values" in table:
            values = table["values"]
            if not isinstance(values, list) or not values:
                raise ScenarioError(f"{origin}: {key}.values: must be a non-empty array")
            values = tuple(_clean(v) for v in values)
        else:
            values = _range_values(table["range"], origin, f"{key}.range")
        if len(set(map(repr, values))) != len(values):
            raise ScenarioError(f"{origin}: {key}: repeated values {list(values)!r}")
        levers.append(Lever(path, values))
    if len({lv.path for lv in levers}) != len(levers):
        raise ScenarioError(f"{origin}: sweep: the same lever twice ({levers[0].path})")
    return tuple(levers)


def _check_lever_path(path: str, origin: str, key: str) -> None:
    if path.startswith("intervention."):
        parts = path.split(".")
        if len(parts) != 3 or parts[2] not in INTERVENTION_FIELDS:
            raise ScenarioError(
                f"{origin}: {key}: {path!r} must be intervention.NAME.FIELD with FIELD one of "
                f"{', '.join(INTERVENTION_FIELDS)}"
            )
        return
    name = path.removeprefix("params.")
    if name in RESERVED_PARAMETERS:
        raise ScenarioError(f"{origin}: {key}: {name!r} is set by the experiment, not swept")
    if name in FACTOR_COEFFICIENTS:
        raise ScenarioError(f"{origin}: {key}: {name!r}: {_BY_STATE}")
    if name not in _PARAM_NAMES:
        raise ScenarioError(
            f"{origin}: {key}: {path!r} is neither a model parameter ('aiadopt params' lists "
            f"them) nor intervention.NAME.FIELD (FIELD one of {', '.join(INTERVENTION_FIELDS)})"
        )


def _range_values(raw: Any, origin: str, key: str) -> tuple[float, ...]:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{origin}: {key}: must be a table {{start, stop, num}}")
    unknown = sorted(set(raw) - set(RANGE_KEYS))
    missing = [k for k in RANGE_KEYS if k not in raw]
    if unknown or missing:
        raise ScenarioError(
            f"{origin}: {key}: needs exactly the keys {', '.join(RANGE_KEYS)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    start, stop, num = raw["start"], raw["stop"], raw["num"]
    for k, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ScenarioError(f"{origin}: {key}.{k}: must be a number, got {v!r}")
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise ScenarioError(f"{origin}: {key}.num: must be an integer >= 1, got {num!r}")
    if num == 1:
        return (_clean(float(start)),)
    step = (stop - start) / (num - 1)
    return tuple(_clean(float(start + i * step)) for i in range(num))


def _clean(value: Any) -> Any:
    """Round floats to 12 significant digits (0.30000000000000004 -> 0.3): names and values
    then agree."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return tuple(_clean(v) for v in value)
    return value


def _fmt(value: Any) -> str:
    """A value as it appears in a sweep point's name (safe in a folder name)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.12g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple | list):
        return "_".join(_fmt(v) for v in value)
    text = str(value)
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", text):
        raise ScenarioError(f"sweep value {value!r} cannot name a scenario point")
    return text


def _lever_labels(levers: Sequence[Lever]) -> list[str]:
    """Short labels of the levers (``share``), longer where two would clash."""
    short = [lv.field for lv in levers]
    if len(set(short)) == len(short):
        return short
    return [f"{lv.target}.{lv.field}" if lv.is_intervention else lv.target for lv in levers]


def _find_intervention(
    interventions: Sequence[Intervention], lever: Lever, where: str, key: str
) -> int:
    label = lever.target
    found = [i for i, iv in enumerate(interventions) if iv.label == label]
    if not found:
        found = [i for i, iv in enumerate(interventions) if iv.kind == label]
    if len(found) != 1:
        labels = ", ".join(sorted({iv.label for iv in interventions})) or "none"
        problem = "no" if not found else "more than one"
        raise ScenarioError(
            f"{where}: {key}: {problem} intervention named {label!r} (interventions: {labels}); "
            "give it a unique 'name'"
        )
    return found[0]


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def _intervention_dict(iv: Intervention) -> dict[str, Any]:
    out: dict[str, Any] = {"type": iv.kind, "start": iv.start}
    if iv.end is not None:
        out["end"] = iv.end
    out["share"] = iv.share
    if iv.reduction:
        out["reduction"] = iv.reduction
    eligible = {k: list(v) for k, v in dataclasses.asdict(iv.eligible).items() if v}
    if eligible:
        out["eligible"] = eligible
    if iv.name:
        out["name"] = iv.name
    if iv.remove:
        out["remove"] = True
    return out
