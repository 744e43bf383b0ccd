"""Gains (ODD 7.12): use cases in place ramp up, pilots yield a share, expectations follow
enthusiasm."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import gains
from aiadopt.model.stages import Stage, UseCaseStage

from .firms import apply, firms

PARAMS = Params(gain_lag_months=4.0, pilot_gain_share=0.3, expected_gain=(6.0, 2.0, 1.0),
                expected_gain_enthusiasm=0.4, gain_cap=(8.0, 5.0, 3.0),
                shadow_gain=0.7)  # fmt: skip
VALUES = np.array([PARAMS.usecase_value_productivity, PARAMS.usecase_value_cost,
                   PARAMS.usecase_value_revenue])  # fmt: skip
CAP = np.array(PARAMS.gain_cap)


def _capped(value: np.ndarray, cap: np.ndarray = CAP) -> np.ndarray:
    return cap * value / (cap + value)  # the hyperbola: half the ceiling at value = cap


def _realised(uc_stages: list[int], months: int = 8, *, shadow: bool = False,
              params: Params = PARAMS) -> np.ndarray:  # fmt: skip
    state = firms(1, stage=Stage.DEPLOYED, enthusiasm=0.6, shadow_ai=shadow)
    state.uc_stage[0, : len(uc_stages)] = uc_stages
    state.uc_months[0] = months
    apply(gains.update_gains, state, 0, params=params)
    return state.realised[0].astype(np.float64)


def test_realised_gains_of_an_active_firm() -> None:
    state = firms(1, stage=Stage.DEPLOYED, enthusiasm=0.6)
    state.uc_stage[0, :3] = [UseCaseStage.IN_PLACE, UseCaseStage.IN_DEVELOPMENT,
                             UseCaseStage.PLANNED]  # fmt: skip
    state.uc_months[0, 0] = 8
    apply(gains.update_gains, state, 0, params=PARAMS)
    ramp = 1 - np.exp(-8 / 4.0)
    value = ramp * VALUES[:, 0] + 0.3 * VALUES[:, 1]
    assert state.realised[0] == pytest.approx(_capped(value), rel=1e-6)
    # expected: the study's levels at enthusiasm 0.4, proportional to enthusiasm
    assert state.expected[0] == pytest.approx(np.array([6.0, 2.0, 1.0]) * 0.6 / 0.4, rel=1e-6)


def test_realised_gains_stay_below_the_cap_with_diminishing_returns() -> None:
    even = PARAMS.replace(usecase_value_productivity=(2.0,) * 6, usecase_value_cost=(1.5,) * 6,
                          usecase_value_revenue=(1.0,) * 6)  # fmt: skip
    in_place = UseCaseStage.IN_PLACE
    gains_by_count = np.array(
        [_realised([in_place] * k, months=1000, params=even) for k in range(7)]
    )
    assert np.all(gains_by_count < CAP)  # below the ceiling, however many use cases
    steps = np.diff(gains_by_count, axis=0)
    assert np.all(steps > 0)  # each use case adds something
    assert np.all(np.diff(steps, axis=0) < 0)  # but less than the one before
    assert gains_by_count[6] == pytest.approx(_capped(6 * np.array([2.0, 1.5, 1.0])), rel=1e-6)
    # a huge value approaches the cap without reaching it
    big = even.replace(usecase_value_productivity=(50.0,) * 6, gain_cap=(4.0, 5.0, 3.0))
    r = _realised([in_place] * 6, months=1000, params=big)
    assert 3.9 < r[0] < 4.0  # 4 * 300 / 304


def test_shadow_ai_adds_its_gain_to_productivity_only() -> None:
    base = _realised([UseCaseStage.IN_PLACE])
    shadow = _realised([UseCaseStage.IN_PLACE], shadow=True)
    assert shadow[0] == pytest.approx(base[0] + 0.7, abs=1e-6)
    assert shadow[1:] == pytest.approx(base[1:])


def test_firms_not_active_realise_nothing() -> None:
    state = firms(2, stage=np.array([Stage.PLANNED, Stage.NOT_ENGAGED]), realised=9.0,
                  uc_stage=UseCaseStage.IN_PLACE, uc_months=20)  # fmt: skip
    for i in range(2):
        apply(gains.update_gains, state, i, params=PARAMS)
    assert np.all(state.realised == 0.0)
    assert np.all(state.expected > 0.0)
