"""Interest in use cases (ODD 7.5): Figure 5's levels, moved by enthusiasm and experience."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules.interest import firm_interest_in, interest_from, interest_sums

from .firms import apply, firms


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def test_at_enthusiasm_one_half_and_no_experience_each_role_has_figure_5s_levels() -> None:
    p = Params()
    both = interest_from(np.full(2, 0.5, np.float32), np.zeros((2, 6), np.float32), p,
                         p.interest_technique, p.interest_business)  # fmt: skip
    assert both.shape == (2, 2, 6)
    assert np.allclose(both[0], p.interest_technique, atol=1e-6)
    assert np.allclose(both[1], p.interest_business, atol=1e-6)


def test_enthusiasm_and_experience_shift_the_logit() -> None:
    p = Params(interest_enthusiasm_effect=1.5, interest_experience_effect=2.0)
    experience = np.array([[0.3, -1.0, 0, 0, 0, 0]], np.float32)
    got = interest_from(np.array([0.9], np.float32), experience, p, p.interest_technique)
    base = np.log(np.array(p.interest_technique) / (1 - np.array(p.interest_technique)))
    want = _logistic(base + 1.5 * 0.4 + 2.0 * experience[0])
    assert np.allclose(got[0], want, atol=1e-6)
    assert got[0, 0] > p.interest_technique[0] > 0 and got[0, 1] < p.interest_technique[1]


def test_a_firms_interest_is_the_mean_of_its_two_roles() -> None:
    p = Params()
    state = firms(2, enthusiasm=np.array([0.2, 0.8]), uc_experience=0.1)
    roles = interest_from(state.enthusiasm, state.uc_experience, p, p.interest_technique,
                          p.interest_business)  # fmt: skip
    for i in range(2):
        for j in range(6):
            got = apply(firm_interest_in, state, i, params=p, j=j)
            assert got == pytest.approx(0.5 * (roles[0, i, j] + roles[1, i, j]), abs=1e-6)


def test_interest_sums_add_up_over_all_firms_and_over_mature_ones() -> None:
    p = Params()
    state = firms(4, enthusiasm=np.array([0.1, 0.5, 0.7, 0.95]), stage=np.array([0, 3, 4, 2]))
    state.uc_experience[:] = np.linspace(-1, 1, 24).reshape(4, 6)
    sums = interest_sums(state.enthusiasm, state.uc_experience, state.stage, p)
    roles = interest_from(state.enthusiasm, state.uc_experience, p, p.interest_technique,
                          p.interest_business).astype(np.float64)  # fmt: skip
    both = np.concatenate([roles[0], roles[1]], axis=1)
    assert np.allclose(sums[0], both.sum(axis=0), rtol=1e-5)
    assert np.allclose(sums[1], both[[1, 2]].sum(axis=0), rtol=1e-5)
