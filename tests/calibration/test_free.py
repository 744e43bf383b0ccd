"""Free parameters (aiadopt.calibration.free): names, bounds, the map from a search vector onto
Params, renormalised simplexes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aiadopt.calibration.errors import SpecError
from aiadopt.calibration.free import (
    FreeParameter,
    check_free,
    guess_vector,
    search_bounds,
    to_params,
    to_vector,
)
from aiadopt.model import Params


def test_to_params_round_trip_and_log_scale() -> None:
    free = [
        FreeParameter("bass_p", 0.001, 0.05, 0.006, log=True),
        FreeParameter("strategy_effect[3]", -2.0, 3.0, 0.9),
        FreeParameter("difficulty[4]", 1.0, 20.0, 3.0),
        FreeParameter("difficulty[1]", 1.0, 20.0, 1.4),
    ]
    check_free(free)
    base = Params()
    x = np.array([math.log(0.02), 1.5, 7.0, 2.5])
    p = to_params(x, free, base)
    assert p.bass_p == pytest.approx(0.02, rel=1e-12)  # the search runs on log(bass_p)
    assert p.strategy_effect == (*base.strategy_effect[:3], 1.5)
    assert p.difficulty == (1.0, 2.5, 1.8, 2.0, 7.0, 3.5)  # two elements of one tuple
    assert p.bass_q == base.bass_q  # the rest is untouched
    np.testing.assert_allclose(to_vector(p, free), x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(to_vector(base, free), guess_vector(free), atol=1e-12)
    assert search_bounds(free)[0] == pytest.approx((math.log(0.001), math.log(0.05)))
    # a coordinate past a bound is clipped to it, so the parameters stay valid
    assert to_params([math.log(0.5), 9.0, 30.0, 1.0], free, base).bass_p == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("free", "fragment"),
    [
        (FreeParameter("no_such_param", 0.0, 1.0, 0.5), "unknown parameter 'no_such_param'"),
        (FreeParameter("difficulty[6]", 1.0, 5.0, 2.0), "index 6 out of range"),
        (FreeParameter("difficulty", 1.0, 5.0, 2.0), "difficulty[i]"),
        (FreeParameter("bass_p[0]", 0.0, 0.1, 0.01), "not a tuple"),
        (FreeParameter("stall_months", 1.0, 9.0, 6.0), "only float parameters"),
        (FreeParameter("bass_p", 0.1, 0.01, 0.05), "must be below high"),
        (FreeParameter("bass_p", 0.001, 0.01, 0.05), "outside the bounds"),
        (FreeParameter("bass_p", 0.0, 0.01, 0.005, log=True), "log = true needs low > 0"),
        (FreeParameter("bass_p", 0.001, 0.9, 0.005), "above the allowed range"),
    ],
)
def test_check_free_rejects(free: FreeParameter, fragment: str) -> None:
    with pytest.raises(SpecError, match=None) as info:
        check_free([free], "my.toml")
    assert fragment in str(info.value)
    assert str(info.value).startswith("my.toml: ")


def test_simplex_element_renormalises_the_others() -> None:
    free = [FreeParameter("size_shares[2]", 0.05, 0.6, 0.2)]
    check_free(free)
    base = Params(size_shares=(0.5, 0.3, 0.2))
    shares = to_params([0.40], free, base).size_shares
    assert shares[2] == 0.40
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    # the fixed elements keep their proportions
    np.testing.assert_allclose(np.array(shares[:2]) / sum(shares[:2]), np.array([0.5, 0.3]) / 0.8)
    assert to_params([0.2], free, base).size_shares == pytest.approx(base.size_shares)
    two = [*free, FreeParameter("size_shares[0]", 0.1, 0.4, 0.3)]
    shares = to_params([0.3, 0.2], two, base).size_shares
    assert shares[0] == 0.2 and shares[2] == 0.3 and shares[1] == pytest.approx(0.5)
    assert sum(shares) == pytest.approx(1.0)


def test_simplex_errors_name_the_field() -> None:
    every = [FreeParameter(f"ad_hoc_shares[{i}]", 0.0, 0.3, 0.2) for i in range(3)]
    with pytest.raises(SpecError, match=r"every element of the simplex 'ad_hoc_shares'"):
        check_free(every)
    wide = [FreeParameter(f"sector_shares[{i}]", 0.0, 0.6, 0.1) for i in range(2)]
    with pytest.raises(SpecError, match=r"'sector_shares' could sum to 1.2 > 1"):
        check_free(wide, "my.toml")
