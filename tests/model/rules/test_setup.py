"""Set-up on engagement (ODD 7.3): the firm's own draws decide its portfolio, its alignment
and, through Direction's logit rules, its choices."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import collaboration, direction, setup
from aiadopt.model.stages import (
    Choice,
    Collaboration,
    Outsourcing,
    ProviderManager,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
)
from aiadopt.model.state import SetUpDraw

from .firms import apply, firms, month, refresh_taste

PARAMS = Params(discovery=(0.1, 0.2, 0.3, 0.4, 0.5), engage_enthusiasm=0.85,
                ad_hoc_shares=(0.2, 0.3, 0.5))  # fmt: skip


def _draws(state, **columns: float) -> None:
    for name, value in columns.items():
        state.setup_draws[0, SetUpDraw[name.upper()]] = value
    refresh_taste(state)


def _choice_draws(state, value: float) -> None:
    state.setup_draws[0, SetUpDraw.CHOICE_TRIPARTITE : SetUpDraw.CHOICE_EXPERTS + 1] = value


def test_a_first_engagement_sets_up_portfolio_difficulties_obstacles_and_enthusiasm() -> None:
    state = firms(1, enthusiasm=0.4, security=0.9, demand=0.05)
    _draws(state, plan_content=0.0, misestimates=0.0, communication=0.99, organisation=0.0)
    apply(setup.set_up, state, 0, month(step=7), params=PARAMS)
    assert state.engaged_month[0] == 7
    assert state.uc_stage[0, UseCase.CONTENT] == UseCaseStage.PLANNED
    assert list(state.difficulties[0]) == [True, False, True]
    # obstacles discovered by trying, clipped to [0, 1]
    assert state.demand[0] == 0.0 and state.skills[0] == pytest.approx(0.3)
    assert state.security[0] == 1.0 and state.regulation[0] == pytest.approx(0.9)
    assert state.finance[0] == pytest.approx(1.0)
    assert state.enthusiasm[0] == pytest.approx(0.85)  # the peak of inflated expectations
    assert state.stage[0] == Stage.NOT_ENGAGED  # the stage follows next month's portfolio


def test_alignment_starts_at_its_target_and_gives_the_mode() -> None:
    state = firms(1, skills=0.5, demand=0.5)
    _draws(state, alignment=0.9)
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    # the target is computed after the discovered obstacles and the plan, before the choices
    after = firms(1, skills=0.3, demand=0.4, stage=state.stage[0], uc_stage=state.uc_stage[0],
                  enthusiasm=state.enthusiasm[0])  # fmt: skip
    after.setup_draws[0] = state.setup_draws[0]
    refresh_taste(after)
    target = apply(collaboration.alignment_target, after, 0, params=PARAMS)
    assert state.alignment[0] == pytest.approx(target, rel=1e-6)
    mode = apply(collaboration.collaboration_mode, state, 0, params=PARAMS)
    assert state.collaboration[0] == mode == Collaboration.BALANCED  # a high affinity
    _draws(state, alignment=0.01)
    state.engaged_month[0] = -1
    state.skills[0], state.demand[0] = 0.5, 0.5
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    assert state.collaboration[0] == Collaboration.NONE


def test_direction_decides_every_choice_at_set_up_with_its_own_draws() -> None:
    yes, no = firms(1), firms(1)
    _choice_draws(yes, 0.0)
    _choice_draws(no, 0.9999)
    _draws(no, ad_hoc=0.3)
    for state in (yes, no):
        apply(setup.set_up, state, 0, month(), params=PARAMS)
    assert yes.strategy[0] == Strategy.TRIPARTITE
    assert yes.outsourcing[0] != Outsourcing.NONE and yes.manager[0] != ProviderManager.NOBODY
    assert yes.training[0] and yes.dedicated[0] and yes.external_experts[0]
    assert yes.roles_internal[0] and yes.roles_external[0]
    assert no.strategy[0] == Strategy.AD_HOC_REQUESTS  # 0.3 in (0.2, 0.5]
    assert no.outsourcing[0] == Outsourcing.NONE and no.manager[0] == ProviderManager.NOBODY
    assert not (no.training[0] or no.dedicated[0] or no.roles_internal[0]
                or no.roles_external[0] or no.external_experts[0])  # fmt: skip


def test_set_up_decides_with_the_alignment_it_just_set() -> None:
    """The tripartite choice rises with alignment: a firm whose draw lies between its
    probability at a low and a high affinity chooses it only with the high one."""
    p = PARAMS.replace(choice_alignment_effect=(4.0, 0, 0, 0, 0, 0, 0))
    probs = []
    for affinity in (0.05, 0.95):
        state = firms(1)
        _draws(state, alignment=affinity)
        apply(setup.set_up, state, 0, month(), params=p)
        probs.append(apply(direction.choice_probability, state, 0, month(), params=p,
                           c=int(Choice.TRIPARTITE)))  # fmt: skip
    assert probs[0] < probs[1]
    strategies = []
    for affinity in (0.05, 0.95):
        state = firms(1)
        _draws(state, alignment=affinity, choice_tripartite=0.5 * sum(probs))
        apply(setup.set_up, state, 0, month(), params=p)
        strategies.append(state.strategy[0] == Strategy.TRIPARTITE)
    assert strategies == [False, True]


def test_set_up_leaves_policy_held_choices_alone() -> None:
    state = firms(1, training=True, held=1 << Choice.TRAINING)
    _choice_draws(state, 0.9999)
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    assert state.training[0]


def test_a_firm_plans_at_least_its_favourite_use_case() -> None:
    state = firms(1)  # every plan draw is above every interest
    apply(setup.set_up, state, 0, month(), params=PARAMS)
    interest = np.array(PARAMS.interest_technique) + np.array(PARAMS.interest_business)
    planned = np.flatnonzero(state.uc_stage[0] == UseCaseStage.PLANNED)
    assert list(planned) == [int(np.argmax(interest))]


def test_a_firm_that_comes_back_replans_and_decides_anew_without_a_second_peak() -> None:
    state = firms(1, engaged_month=3, strategy=Strategy.TRIPARTITE, enthusiasm=0.2, skills=0.5,
                  training=True)  # fmt: skip
    _choice_draws(state, 0.9999)
    _draws(state, misestimates=0.0, communication=0.0, organisation=0.0)
    apply(setup.set_up, state, 0, month(step=20), params=PARAMS)
    assert state.engaged_month[0] == 20
    assert state.enthusiasm[0] == pytest.approx(0.2)  # the peak of expectations comes once
    assert state.strategy[0] != Strategy.TRIPARTITE and not state.training[0]
    assert state.skills[0] == pytest.approx(0.5)  # no second discovery of obstacles
    assert not state.difficulties[0].any()  # nor second draw of difficulties
