"""Free parameters: which parameters a fit may move, and how a search vector maps onto Params.

:class:`FreeParameter` declares, as data apart from :class:`~aiadopt.model.Params`, one
parameter the fit may move: a float field of ``Params`` (``"bass_p"``) or one element of a
tuple field (``"strategy_effect[3]"``), its search bounds, its starting guess and whether it
is searched on the log scale.  An element of a simplex field (shares that must sum to 1,
e.g. ``ad_hoc_shares``) may be freed too: the elements left fixed are then
RENORMALISED, rescaled in proportion to their base values so that the shares still sum to 1
(see :func:`to_params`).  :func:`to_params` maps a search vector (log-scale parameters as
their logarithm) onto a parameter object; :func:`to_vector` is its inverse.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Params
from .errors import SpecError

__all__ = [
    "FreeParameter",
    "apply_values",
    "check_free",
    "free_problem",
    "free_values",
    "guess_vector",
    "is_parameter_name",
    "search_bounds",
    "split_name",
    "to_params",
    "to_vector",
]

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
        return split_name(self.name)[0]

    @property
    def index(self) -> int | None:
        """The element of a tuple field, or ``None`` for a scalar field."""
        return split_name(self.name)[1]

    def to_search(self, value: float) -> float:
        """A value in parameter units to the search scale (its log when ``log``)."""
        return math.log(value) if self.log else float(value)

    def from_search(self, x: float) -> float:
        """A search-scale coordinate back to parameter units, clipped to [low, high]."""
        value = math.exp(x) if self.log else float(x)
        return min(max(value, self.low), self.high)


def split_name(name: str) -> tuple[str, int | None]:
    """``"field[i]"`` -> ``("field", i)``; ``"field"`` -> ``("field", None)``."""
    m = _NAME_RE.match(name)
    if m is None:
        return name, None
    index = m.group("index")
    return m.group("field"), (int(index) if index is not None else None)


def free_problem(p: FreeParameter) -> tuple[str, str] | None:
    """What is wrong with a free parameter, as (key, message), or None."""
    m = _NAME_RE.match(p.name)
    if m is None:
        return "name", (
            f"{p.name!r} is not a parameter name; expected 'field' or 'field[i]' "
            "(see 'aiadopt params' for the fields)"
        )
    fname, index = split_name(p.name)
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
        problem = free_problem(p)
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


def apply_values(values: Mapping[str, float], base: Params) -> Params:
    """``base`` with the named values (full names, parameter units) set; the fixed elements of
    a simplex whose elements are set are renormalised (see :func:`to_params`)."""
    overrides: dict[str, Any] = {}
    simplex_freed: dict[str, set[int]] = {}
    for name, value in values.items():
        fname, index = split_name(name)
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
    ``base``, so that the shares sum to 1 (with ``size_shares = (0.62, 0.20, 0.18)``, freeing
    element 2 at 0.30 gives ``(0.5293, 0.1707, 0.30)``).  Raises
    ParameterError if the result is invalid."""
    return apply_values(free_values(vector, free), base)


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


def is_parameter_name(name: str) -> bool:
    """Whether ``name`` is a Params field, or an element in range of a tuple field."""
    fname, index = split_name(name)
    f = _FIELDS.get(fname)
    return f is not None and (index is None or index < len(f.default))
