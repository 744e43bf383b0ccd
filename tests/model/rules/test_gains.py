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
                expected_gain_enthusiasm=0.4)  # fmt: skip


def test_realised_gains_of_an_active_firm() -> None:
    state = firms(1, stage=Stage.DEPLOYED, enthusiasm=0.6)
    state.uc_stage[0, :3] = [UseCaseStage.IN_PLACE, UseCaseStage.IN_DEVELOPMENT,
                             UseCaseStage.PLANNED]  # fmt: skip
    state.uc_months[0, 0] = 8
    apply(gains.update_gains, state, 0, params=PARAMS)
    values = np.array([PARAMS.usecase_value_productivity, PARAMS.usecase_value_cost,
                       PARAMS.usecase_value_revenue])  # fmt: skip
    ramp = 1 - np.exp(-8 / 4.0)
    assert state.realised[0] == pytest.approx(ramp * values[:, 0] + 0.3 * values[:, 1], rel=1e-6)
    # expected: the study's levels at enthusiasm 0.4, proportional to enthusiasm
    assert state.expected[0] == pytest.approx(np.array([6.0, 2.0, 1.0]) * 0.6 / 0.4, rel=1e-6)


def test_firms_not_active_realise_nothing() -> None:
    state = firms(2, stage=np.array([Stage.PLANNED, Stage.NOT_ENGAGED]), realised=9.0,
                  uc_stage=UseCaseStage.IN_PLACE, uc_months=20)  # fmt: skip
    for i in range(2):
        apply(gains.update_gains, state, i, params=PARAMS)
    assert np.all(state.realised == 0.0)
    assert np.all(state.expected > 0.0)
