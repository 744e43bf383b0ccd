"""Scaling and the stage (ODD 7.7)."""

from __future__ import annotations

import numpy as np

from aiadopt.model.params import Params
from aiadopt.model.rules import scaling
from aiadopt.model.stages import Difficulty, Stage, UseCaseStage

from .firms import apply, firms, month

PARAMS = Params(scale_hazard=0.1, scale_per_usecase_effect=0.4, organisation_effect=-0.3,
                unscale_hazard=0.2)  # fmt: skip


def _scale(state, draw: float, progress: float = 0.0) -> None:
    apply(scaling.scale_and_derive_stage, state, 0, month(1, scale=draw), params=PARAMS,
          progress=progress)  # fmt: skip


def test_the_stage_is_the_most_advanced_use_case() -> None:
    for top, stage in ((0, Stage.NOT_ENGAGED), (1, Stage.PLANNED), (2, Stage.EXPERIMENTING),
                       (3, Stage.DEPLOYED)):  # fmt: skip
        state = firms(1, stage=Stage.SCALED)  # last month's stage does not matter
        state.uc_stage[0, 2:4] = [min(top, UseCaseStage.PLANNED), top]
        _scale(state, 0.9)
        assert state.stage[0] == stage


def test_a_deployed_firm_scales_at_a_rate_set_by_its_breadth_and_organisation() -> None:
    # two use cases in place, an organisation difficulty, progress 0.5
    rate = -np.expm1(-0.1 * np.exp(0.5 + 0.4 * 1 - 0.3))
    for draw, scales in ((rate * 0.99, True), (rate * 1.01, False)):
        state = firms(1, stage=Stage.DEPLOYED)
        state.uc_stage[0, :2] = UseCaseStage.IN_PLACE
        state.difficulties[0, Difficulty.ORGANISATION] = True
        _scale(state, draw, progress=0.5)
        assert state.scaled[0] == scales
        assert state.stage[0] == (Stage.SCALED if scales else Stage.DEPLOYED)


def test_a_scaled_firm_falls_back_and_nothing_in_place_means_not_scaled() -> None:
    p_unscale = -np.expm1(-0.2)
    state = firms(1, stage=Stage.SCALED, scaled=True)
    state.uc_stage[0, 0] = UseCaseStage.IN_PLACE
    _scale(state, p_unscale * 1.01)
    assert state.scaled[0] and state.stage[0] == Stage.SCALED
    _scale(state, p_unscale * 0.99)
    assert not state.scaled[0] and state.stage[0] == Stage.DEPLOYED
    state = firms(1, stage=Stage.SCALED, scaled=True, uc_stage=UseCaseStage.IN_DEVELOPMENT)
    _scale(state, 0.0)
    assert not state.scaled[0] and state.stage[0] == Stage.EXPERIMENTING


def test_disappointed_scaled_firms_fall_back_more() -> None:
    p = PARAMS.replace(unscale_hazard=0.02, fallback_disappointment_effect=3.0)
    keen = -np.expm1(-0.02 * np.exp(3.0 * (0.5 - 0.9)))
    disappointed = -np.expm1(-0.02 * np.exp(3.0 * (0.5 - 0.1)))
    draw = 0.5 * (keen + disappointed)
    for enthusiasm, falls_back in ((0.9, False), (0.1, True)):
        state = firms(1, stage=Stage.SCALED, scaled=True, enthusiasm=enthusiasm)
        state.uc_stage[0, 0] = UseCaseStage.IN_PLACE
        apply(scaling.scale_and_derive_stage, state, 0, month(1, scale=draw), params=p,
              progress=0.0)  # fmt: skip
        assert state.scaled[0] != falls_back
        assert state.stage[0] == (Stage.DEPLOYED if falls_back else Stage.SCALED)
