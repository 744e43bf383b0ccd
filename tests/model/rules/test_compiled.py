"""What the compiled rules share: a hazard's event, a categorical draw, arguments by name."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

from aiadopt.model.rules.compiled import call_by_name, draw_category, event


@pytest.mark.parametrize("rate", [0.0, 1e-4, 0.05, 0.7, 3.0])
def test_an_event_happens_when_the_draw_is_below_one_minus_e_to_the_minus_rate(rate) -> None:
    p = -np.expm1(-rate)
    for u in (0.0, p * (1 - 1e-9), p, p * (1 + 1e-9), min(rate, 0.999), 0.999):
        assert event(u, rate) == (u < p), (u, rate)


def test_a_category_is_drawn_by_its_cumulative_share() -> None:
    cdf = np.cumsum([0.2, 0.5, 0.3])
    assert [draw_category(u, cdf) for u in (0.0, 0.1999, 0.2, 0.69, 0.7, 0.999)] == [
        0, 0, 1, 1, 2, 2,
    ]  # fmt: skip


@njit
def _weighted(i, x, weight, offset):
    return x[i] * weight + offset


@dataclass
class _Arrays:
    x: np.ndarray


@dataclass
class _Numbers:
    weight: float
    offset: float
    x: float  # shadowed by the earlier source


def test_arguments_are_found_by_name_given_first_then_in_source_order() -> None:
    arrays, numbers = _Arrays(np.array([1.0, 2.0])), _Numbers(10.0, 0.5, -1.0)
    assert call_by_name(_weighted, arrays, numbers, i=1) == 20.5
    assert call_by_name(_weighted, arrays, numbers, i=1, offset=0.0) == 20.0
    with pytest.raises(TypeError, match="'weight'"):
        call_by_name(_weighted, arrays, _Arrays(np.zeros(2)), i=0)
