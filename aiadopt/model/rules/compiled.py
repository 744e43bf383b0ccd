"""What every compiled rule shares: the decorator of a rule for one firm, a hazard's event,
a categorical draw, calling a compiled function with its arguments found by name, and
applying a rule for one firm to every firm at once."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np
from numba import njit

per_firm = njit(_nrt=False, forceinline=True, cache=True)
"""Decorator of a rule written for one firm: ``rule(i, ...)`` reads and writes firm ``i``'s
entries of the state arrays it names.  The rules only read and write elements of existing
arrays, so they are compiled without numba's reference counting (``_nrt=False``, as numba
does for its own non-allocating helpers), and inlined by LLVM into the loop that calls them
(``forceinline``).  Without the first, numba would count references to every array argument
at each call, once per firm and rule: the month took 2.5 times as long."""


rare_rule = njit(_nrt=False, cache=True)
"""Decorator of a rule for one firm that few firms reach in a month (set-up on engagement,
Direction's review of its choices, stopping a programme): compiled apart and called from the
pass only for those firms (``schedule.Apply.only_if``), not inlined into the loop over every
firm.  Inlined, the seven logit choices of ``direction.decide`` made the whole month four
times slower, though about 8% of the engaged firms review their choices in a month: a fused
loop that large keeps fewer values in registers for every firm."""


@njit(cache=True)
def event(u, rate):
    """u < 1 - e^-rate, computing the exponential only when it can matter (1 - e^-r <= r)."""
    if u >= rate:
        return False
    return u < -np.expm1(-rate)


@njit(cache=True)
def draw_category(u, cdf):
    """Index of the first cumulative share above ``u`` (inverse CDF of a categorical)."""
    for c in range(cdf.shape[0] - 1):
        if u < cdf[c]:
            return c
    return cdf.shape[0] - 1


@functools.cache
def parameter_names(function: Any) -> tuple[str, ...]:
    """The names of a compiled function's parameters, in order."""
    return tuple(inspect.signature(function.py_func).parameters)


def call_by_name(function: Any, *sources: object, **given: Any) -> Any:
    """Call a compiled function with each argument found by its name: in ``given``, else as
    an attribute of the first of ``sources`` that has it (the month's inputs, the state
    arrays, the constants derived from the parameters).

    The compiled loops take every array as an argument of its own: numba then compiles them
    as fast as hand-written loops, which it does not when they read the arrays from a tuple
    or a record (LLVM reloads them at each firm).  Matching by name keeps each list of
    arguments written once, in the signature of the rule that uses them.  Where each name
    is found is worked out once per function and kinds of sources (``_plan``), so a month's
    hundred arguments cost a hundred attribute reads.
    """
    plan = _plan(function, tuple(type(source) for source in sources), frozenset(given))
    return function(*[given[name] if at < 0 else getattr(sources[at], name) for at, name in plan])


def every_firm(rule: Any, *sources: object, **given: Any) -> Any:
    """A rule for one firm applied to every firm at once, as numpy arrays: its Python
    function (``rule.py_func``) called with ``i`` the slice of every firm and its other
    arguments found by name (``call_by_name``).

    Only for rules made of element-wise arithmetic, comparisons and ``|``/``&`` (no branch on
    a firm's values): on whole arrays they give each firm what the compiled rule gives it, so
    the rule is written once for the compiled passes and the vectorised readers (the
    simulated survey, the reporters' tests).  numpy computes in the arrays' own dtype, float32
    for the state's attributes, where the compiled rules compute in float64.
    """
    plan = _plan(rule, tuple(type(source) for source in sources), frozenset(given) | {"i"})
    given = {**given, "i": slice(None)}
    return rule.py_func(
        *[given[name] if at < 0 else getattr(sources[at], name) for at, name in plan]
    )


@functools.cache
def _plan(
    function: Any, kinds: tuple[type, ...], given: frozenset[str]
) -> tuple[tuple[int, str], ...]:
    """For each argument of ``function``: -1 if given, else the index of the first source
    whose kind has it (a field of a dataclass or named tuple, or any attribute)."""
    def has(kind: type, name: str) -> bool:
        fields = getattr(kind, "__dataclass_fields__", None) or getattr(kind, "_fields", None)
        return name in fields if fields is not None else hasattr(kind, name)

    plan = []
    for name in parameter_names(function):
        if name in given:
            plan.append((-1, name))
            continue
        at = next((j for j, kind in enumerate(kinds) if has(kind, name)), None)
        if at is None:
            raise TypeError(f"{function.__name__}: nothing gives its argument {name!r}")
        plan.append((at, name))
    return tuple(plan)
