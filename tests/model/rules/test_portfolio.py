"""Progress and the portfolio (ODD 7.6): success factors speed the use cases along; overruns
stall them and cost experience, down to a floor."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import portfolio
from aiadopt.model.stages import (
    Collaboration,
    Difficulty,
    ProviderManager,
    Stage,
    Strategy,
    UseCaseStage,
)

from .firms import apply, firms, month


def test_progress_adds_the_success_factors_and_obstacles_of_an_engaged_firm() -> None:
    p = Params()
    state = firms(2, stage=np.array([Stage.PLANNED, Stage.NOT_ENGAGED]),
                  strategy=Strategy.TRIPARTITE, manager=ProviderManager.PAIR,
                  collaboration=Collaboration.BALANCED, training=True, roles_external=True,
                  skills=0.8, security=0.9, size=2)  # fmt: skip
    state.difficulties[:, Difficulty.COMMUNICATION] = True
    w = p.progress_obstacle_weights
    want = (p.strategy_effect[3] + p.manager_effect[0] + p.collaboration_effect[0]
            + p.training_effect + p.roles_effect + p.communication_effect
            + p.skills_effect * 0.3 - (w[1] * (0.5 - 0.8) + w[2] * (0.9 - 0.5))
            + p.progress_size_effect[2])  # fmt: skip
    assert apply(portfolio.progress, state, 0, params=p) == pytest.approx(want, abs=1e-6)
    assert apply(portfolio.progress, state, 1, params=p) == 0.0


def _advance(state, draws, params: Params, progress: float = 0.0) -> int:
    return apply(portfolio.advance, state, 0, draws, params=params, progress=progress)


def test_a_planned_use_case_starts_at_the_rate_scaled_by_progress() -> None:
    p = Params(start_development=0.1, adopt_usecase_hazard=0.0, decommission_hazard=0.0)
    rate = -np.expm1(-0.1 * np.exp(0.5))
    for draw, started in ((rate * 0.99, True), (rate * 1.01, False)):
        state = firms(1, stage=Stage.PLANNED, uc_stage=UseCaseStage.PLANNED, uc_months=3)
        _advance(state, month(1, usecases=draw), p, progress=0.5)
        want = UseCaseStage.IN_DEVELOPMENT if started else UseCaseStage.PLANNED
        assert np.all(state.uc_stage[0] == want)
        assert np.all(state.uc_months[0] == (0 if started else 4))


def test_an_overrun_stalls_the_use_case_and_costs_experience_down_to_the_floor() -> None:
    p = Params(overrun_hazard=0.5, overrun_experience_hit=0.25, experience_floor=-0.6,
               stall_months=3)  # fmt: skip
    state = firms(1, stage=Stage.EXPERIMENTING, uc_stage=UseCaseStage.IN_DEVELOPMENT,
                  uc_experience=np.array([0.0, -0.5, 0, 0, 0, 0]))  # fmt: skip
    overruns = _advance(state, month(1, usecases=0.01), p)
    assert overruns == 6
    assert state.uc_experience[0, 0] == pytest.approx(-0.25)
    assert state.uc_experience[0, 1] == pytest.approx(-0.6)  # -0.75 floored
    assert np.all(state.uc_stall[0] == 3) and np.all(state.uc_stage[0] == 2)
    # stalled: the same draw now drops it back to the plan
    assert _advance(state, month(1, usecases=0.01), p) == 0
    assert np.all(state.uc_stage[0] == UseCaseStage.PLANNED) and np.all(state.uc_stall[0] == 0)


def test_completion_sets_experience_from_the_promise_and_in_place_may_be_withdrawn() -> None:
    p = Params(overrun_hazard=0.01, complete_development=0.9, decommission_hazard=0.5)
    state = firms(1, stage=Stage.EXPERIMENTING, uc_stage=UseCaseStage.IN_DEVELOPMENT,
                  uc_experience=-1.0)  # fmt: skip
    _advance(state, month(1, usecases=0.05), p)
    assert np.all(state.uc_stage[0] == UseCaseStage.IN_PLACE)
    assert np.allclose(state.uc_experience[0], np.log(1 / np.array(p.usecase_promise)))
    _advance(state, month(1, usecases=0.3), p)
    assert np.all(state.uc_stage[0] == UseCaseStage.PLANNED)


def test_a_firm_not_engaged_waits() -> None:
    state = firms(1, uc_stage=UseCaseStage.PLANNED, uc_months=2)
    assert _advance(state, month(1, usecases=0.0), Params()) == 0
    assert np.all(state.uc_stage[0] == UseCaseStage.PLANNED) and np.all(state.uc_months[0] == 2)
