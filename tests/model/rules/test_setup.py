"""Set-up on engagement (ODD 7.3): the firm's own draws decide its portfolio and choices."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import setup
from aiadopt.model.stages import (
    Collaboration,
    Outsourcing,
    ProviderManager,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
)
from aiadopt.model.state import SetUpDraw

from .firms import apply, firms, month

PARAMS = Params(
    strategy_initial=(0.1, 0.4, 0.4, 0.1), manager_shares=(0.5, 0.3, 0.2),
    collaboration_initial=(0.3, 0.3, 0.2, 0.2), discovery=(0.1, 0.2, 0.3, 0.4, 0.5),
    engage_enthusiasm=0.85,
)  # fmt: skip


def _draws(state, **columns: float) -> None:
    for name, value in columns.items():
        state.setup_draws[0, SetUpDraw[name.upper()]] = value


def test_a_first_engagement_draws_every_choice_from_the_firms_own_draws() -> None:
    state = firms(1, enthusiasm=0.4, shadow_propensity=0.6, security=0.9, demand=0.05)
    _draws(state, plan_content=0.0, strategy=0.95, outsource=0.5, outsource_all=0.8,
           manager=0.6, training=0.1, dedicated=0.9, roles_internal=0.1, roles_external=0.9,
           external_experts=0.1, collaboration=0.9, misestimates=0.0, communication=0.99,
           organisation=0.0, shadow=0.5)  # fmt: skip
    apply(setup.set_up, state, 0, month(step=7), params=PARAMS)
    assert state.engaged_month[0] == 7
    assert state.uc_stage[0, UseCase.CONTENT] == UseCaseStage.PLANNED
    assert state.strategy[0] == Strategy.TRIPARTITE  # 0.95 above the cumulative 0.9
    assert state.outsourcing[0] == Outsourcing.PARTIAL  # 0.8 above outsource_all_initial 0.7
    assert state.manager[0] == ProviderManager.TECHNIQUE  # 0.6 in (0.5, 0.8]
    assert (state.training[0], state.dedicated[0]) == (True, False)
    assert (state.roles_internal[0], state.roles_external[0], state.external_experts[0]) == (
        True, False, True,
    )  # fmt: skip
    assert state.collaboration[0] == Collaboration.NONE
    assert list(state.difficulties[0]) == [True, False, True]
    assert state.shadow_ai[0]  # no collaboration, and its draw 0.5 < propensity 0.6
    # obstacles discovered by trying, clipped to [0, 1]
    assert state.demand[0] == 0.0 and state.skills[0] == pytest.approx(0.3)
    assert state.security[0] == 1.0 and state.regulation[0] == pytest.approx(0.9)
    assert state.enthusiasm[0] == pytest.approx(0.85)  # the peak of inflated expectations


def test_without_outsourcing_nobody_manages_providers() -> None:
    state = firms(1)
    _draws(state, outsource=0.95, manager=0.0)
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    assert state.outsourcing[0] == Outsourcing.NONE
    assert state.manager[0] == ProviderManager.NOBODY


def test_a_firm_plans_at_least_its_favourite_use_case() -> None:
    state = firms(1)  # every plan draw is above every interest
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    interest = np.array(PARAMS.interest_technique) + np.array(PARAMS.interest_business)
    planned = np.flatnonzero(state.uc_stage[0] == UseCaseStage.PLANNED)
    assert list(planned) == [int(np.argmax(interest))]


def test_a_firm_that_comes_back_only_replans_and_regains_enthusiasm() -> None:
    state = firms(1, engaged_month=3, strategy=Strategy.NONE, enthusiasm=0.2, skills=0.5,
                  collaboration=Collaboration.BALANCED)  # fmt: skip
    _draws(state, strategy=0.99, outsource=0.0, training=0.0, collaboration=0.99)
    apply(setup.set_up, state, 0, month(step=20), params=PARAMS)
    assert state.engaged_month[0] == 20
    assert state.enthusiasm[0] == pytest.approx(0.85)
    assert state.strategy[0] == Strategy.NONE and state.outsourcing[0] == Outsourcing.NONE
    assert not state.training[0] and state.collaboration[0] == Collaboration.BALANCED
    assert state.skills[0] == pytest.approx(0.5)  # no second discovery of obstacles
    assert state.stage[0] == Stage.NOT_ENGAGED  # the stage follows next month's portfolio
