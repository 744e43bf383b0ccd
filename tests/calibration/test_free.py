"""Parameter names and named values onto Params (aiadopt.calibration.free): names, elements of
tuples, renormalised simplexes."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.calibration.free import apply_values, is_parameter_name, split_name
from aiadopt.model import ParameterError, Params


def test_names_are_fields_or_elements_in_range() -> None:
    assert split_name("bass_p") == ("bass_p", None)
    assert split_name("strategy_effect[3]") == ("strategy_effect", 3)
    n = len(Params().difficulty)
    assert is_parameter_name("bass_p") and is_parameter_name(f"difficulty[{n - 1}]")
    assert not is_parameter_name(f"difficulty[{n}]")
    assert not is_parameter_name("no_such_param") and not is_parameter_name("Bass_p")


def test_values_set_scalars_and_elements_and_leave_the_rest() -> None:
    base = Params()
    p = apply_values({"bass_p": 0.02, "strategy_effect[3]": 1.5, "difficulty[4]": 7.0,
                      "difficulty[1]": 2.5}, base)  # fmt: skip
    assert p.bass_p == 0.02
    assert p.strategy_effect == (*base.strategy_effect[:3], 1.5, *base.strategy_effect[4:])
    assert p.difficulty[1] == 2.5 and p.difficulty[4] == 7.0  # two elements of one tuple
    assert [d for i, d in enumerate(p.difficulty) if i not in (1, 4)] == [
        d for i, d in enumerate(base.difficulty) if i not in (1, 4)
    ]
    assert p.bass_q == base.bass_q  # the rest is untouched
    with pytest.raises(ParameterError):
        apply_values({"bass_p": 5.0}, base)  # outside its allowed range


def test_a_simplex_element_renormalises_the_others() -> None:
    base = Params(size_shares=(0.5, 0.3, 0.2))
    shares = apply_values({"size_shares[2]": 0.40}, base).size_shares
    assert shares[2] == 0.40
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    # the elements not set keep their proportions
    np.testing.assert_allclose(np.array(shares[:2]) / sum(shares[:2]), np.array([0.5, 0.3]) / 0.8)
    assert apply_values({"size_shares[2]": 0.2}, base).size_shares == pytest.approx(
        base.size_shares
    )
    shares = apply_values({"size_shares[2]": 0.3, "size_shares[0]": 0.2}, base).size_shares
    assert shares[0] == 0.2 and shares[2] == 0.3 and shares[1] == pytest.approx(0.5)
    assert sum(shares) == pytest.approx(1.0)
