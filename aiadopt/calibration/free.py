"""Parameter names and named values onto Params: the common language of the priors, the plan's
fixed settings, the design and the posterior sample.

A parameter is named as a field of :class:`~aiadopt.model.Params` (``"bass_p"``) or one element
of a tuple field (``"strategy_effect[3]"``, 0-based in the order of the field's enumeration):
:func:`split_name` reads a name, :func:`is_parameter_name` says whether it exists.
:func:`apply_values` sets named values on a base parameter set.  An element of a simplex field
(shares that must sum to 1, e.g. ``ad_hoc_shares``) may be set too: the elements not set are
then RENORMALISED, rescaled in proportion to their base values so that the shares still sum
to 1.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Params

__all__ = ["apply_values", "is_parameter_name", "split_name"]

_NAME_RE = re.compile(r"^(?P<field>[a-z_][a-z0-9_]*)(?:\[(?P<index>\d+)\])?$")
_FIELDS = {f.name: f for f in dataclasses.fields(Params)}


def split_name(name: str) -> tuple[str, int | None]:
    """``"field[i]"`` -> ``("field", i)``; ``"field"`` -> ``("field", None)``."""
    m = _NAME_RE.match(name)
    if m is None:
        return name, None
    index = m.group("index")
    return m.group("field"), (int(index) if index is not None else None)


def apply_values(values: Mapping[str, float], base: Params) -> Params:
    """``base`` with the named values (full names, parameter units) set.  Elements of a simplex
    field take their values and the elements not set are rescaled, in proportion to their
    values in ``base``, so that the shares sum to 1 (with ``size_shares = (0.62, 0.20, 0.18)``,
    setting element 2 to 0.30 gives ``(0.5293, 0.1707, 0.30)``).  Raises ``ParameterError`` if
    the result is invalid."""
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


def is_parameter_name(name: str) -> bool:
    """Whether ``name`` is a Params field, or an element in range of a tuple field."""
    fname, index = split_name(name)
    f = _FIELDS.get(fname)
    return f is not None and (index is None or index < len(f.default))
