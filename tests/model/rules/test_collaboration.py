"""Collaboration (ODD 7.15): Technique-Business alignment drifts to a target, the mode of
Figure 13 is read from it, and deployed firms meet organisation questions."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import collaboration
from aiadopt.model.stages import (
    Collaboration,
    Difficulty,
    ProviderManager,
    Stage,
    Strategy,
    UseCase,
    UseCaseStage,
)
from aiadopt.model.state import SetUpDraw

from .firms import apply, firms, month, refresh_taste

PARAMS = Params(
    alignment_intercept=-0.2, alignment_gap_effect=2.0, alignment_experience_effect=0.6,
    alignment_tripartite_effect=0.5, alignment_pair_effect=0.3, alignment_training_effect=0.4,
    alignment_shadow_effect=0.7, alignment_views_effect=0.8, alignment_taste_scale=1.5,
    alignment_drift=0.1, balanced_threshold=0.6, no_collaboration_threshold=0.3,
    business_lead_gap=0.2,
)  # fmt: skip
TASTE = 0.7
"""The firm's own affinity draw (logit 0.847)."""


def _firm(n: int = 1, **values):
    state = firms(n, **{"stage": Stage.EXPERIMENTING, "skills": 0.6, "demand": 0.4, **values})
    state.setup_draws[:, SetUpDraw.ALIGNMENT] = TASTE
    refresh_taste(state)
    return state


def _target(state, i: int = 0, params: Params = PARAMS) -> float:
    return float(apply(collaboration.alignment_target, state, i, params=params))


def test_the_target_is_the_logistic_of_the_firms_circumstances() -> None:
    p = PARAMS
    state = _firm(strategy=Strategy.TRIPARTITE, manager=ProviderManager.PAIR, training=True)
    state.uc_stage[0, :2] = UseCaseStage.IN_PLACE
    state.stage[0] = Stage.DEPLOYED
    pull = 0.5 * (0.4 + float(state.enthusiasm[0]))  # Business: mean of demand and enthusiasm
    v = (p.alignment_intercept + 1.5 * np.log(TASTE / (1 - TASTE)) - 2.0 * abs(0.6 - pull)
         + 0.6 * 2 + 0.5 + 0.3 + 0.4)  # fmt: skip
    assert _target(state) == pytest.approx(1 / (1 + np.exp(-v)), rel=1e-6)


@pytest.mark.parametrize(
    ("change", "direction"),
    [
        ({"strategy": Strategy.TRIPARTITE}, +1),
        ({"manager": ProviderManager.PAIR}, +1),
        ({"training": True}, +1),
        ({"uc_stage": UseCaseStage.IN_PLACE, "stage": Stage.DEPLOYED}, +1),
        ({"skills": 0.9, "demand": 0.1}, -1),  # the gap widens
        ({"shadow_ai": True}, -1),  # shadow AI pulls them apart (and Business sees it deployed)
    ],
)
def test_each_circumstance_moves_the_target_its_way(change: dict, direction: int) -> None:
    before = _target(_firm())
    after = _target(_firm(**change))
    assert np.sign(after - before) == direction


def test_experience_counts_up_to_three_use_cases_in_place() -> None:
    targets = []
    for k in range(7):
        state = _firm(stage=Stage.DEPLOYED if k else Stage.EXPERIMENTING)
        state.uc_stage[0, :k] = UseCaseStage.IN_PLACE
        targets.append(_target(state))
    assert targets[0] < targets[1] < targets[2] < targets[3]
    assert targets[3] == targets[4] == targets[6]


def test_diverging_views_of_deployed_lower_the_target() -> None:
    """A Business that counts a content pilot as in place while Technique does not: the
    views differ, the roles drift apart (text p.2)."""
    agree = _firm(loose_view=True)
    agree.uc_stage[0, UseCase.TEST_AUTOMATION] = UseCaseStage.IN_DEVELOPMENT
    diverge = _firm(loose_view=True)
    diverge.uc_stage[0, UseCase.CONTENT] = UseCaseStage.IN_DEVELOPMENT
    gap = _target(agree) - _target(diverge)
    assert gap > 0
    no_effect = PARAMS.replace(alignment_views_effect=0.0)
    assert _target(agree, params=no_effect) == pytest.approx(_target(diverge, params=no_effect))


@pytest.mark.parametrize(
    ("alignment", "skills", "demand", "mode"),
    [
        (0.6, 0.5, 0.5, Collaboration.BALANCED),  # at the threshold
        (0.95, 0.1, 0.9, Collaboration.BALANCED),  # balanced whoever pushes
        (0.5999, 0.5, 0.5, Collaboration.TECHNIQUE_LED),
        (0.3, 0.5, 0.5, Collaboration.TECHNIQUE_LED),  # at the lower threshold: not none
        (0.2999, 0.5, 0.5, Collaboration.NONE),
        (0.0, 0.1, 0.9, Collaboration.NONE),
        (0.45, 0.3, 0.51, Collaboration.BUSINESS_LED),  # demand exceeds skills by > 0.2
        (0.45, 0.3, 0.49, Collaboration.TECHNIQUE_LED),  # by less
    ],
)
def test_the_mode_is_read_from_the_alignment(alignment, skills, demand, mode) -> None:
    state = firms(1, alignment=alignment, skills=skills, demand=demand)
    assert apply(collaboration.collaboration_mode, state, 0, params=PARAMS) == mode


def test_alignment_drifts_towards_its_target_and_the_mode_follows() -> None:
    state = _firm(alignment=0.1)
    target = _target(state)
    apply(collaboration.align, state, 0, params=PARAMS)
    assert state.alignment[0] == pytest.approx(0.1 + 0.1 * (target - 0.1), rel=1e-6)
    assert state.collaboration[0] == Collaboration.NONE
    # a firm not engaged does not align
    idle = _firm(stage=Stage.NOT_ENGAGED, alignment=0.1)
    apply(collaboration.align, idle, 0, params=PARAMS)
    assert idle.alignment[0] == np.float32(0.1)
    assert idle.collaboration[0] == Collaboration.UNSET


def test_no_mode_is_absorbing_a_non_collaborating_firm_becomes_balanced_with_experience() -> None:
    state = _firm(alignment=0.05, collaboration=Collaboration.NONE)
    # affinity logit -0.28 * 1.5: target logit -0.2 - 0.4 - 0.42 = -1.02 (0.27: no collaboration)
    state.setup_draws[0, SetUpDraw.ALIGNMENT] = 0.43
    refresh_taste(state)
    for _ in range(60):
        apply(collaboration.align, state, 0, params=PARAMS)
    assert state.collaboration[0] == Collaboration.NONE  # it stays apart while nothing works
    # three use cases in place: + 3 * 0.6, target 0.69, above the balanced threshold
    state.stage[0] = Stage.DEPLOYED
    state.uc_stage[0, :3] = UseCaseStage.IN_PLACE
    modes = []
    for _ in range(120):
        apply(collaboration.align, state, 0, params=PARAMS)
        modes.append(int(state.collaboration[0]))
    assert state.collaboration[0] == Collaboration.BALANCED
    assert Collaboration.TECHNIQUE_LED in modes  # through a led mode on the way
    # and back: without use cases in place, with shadow AI and a widening gap, it falls apart
    state.uc_stage[0] = UseCaseStage.PLANNED
    state.stage[0] = Stage.PLANNED
    state.shadow_ai[0] = True
    state.skills[0], state.demand[0] = 0.9, 0.1
    for _ in range(120):
        apply(collaboration.align, state, 0, params=PARAMS)
    assert state.collaboration[0] == Collaboration.NONE


def test_deployed_firms_meet_organisation_questions_for_good() -> None:
    p = Params(organisation_discovery=0.1)
    state = firms(2, stage=np.array([Stage.DEPLOYED, Stage.EXPERIMENTING]))
    for i in range(2):
        apply(collaboration.meet_organisation_questions, state, i, month(2, organisation=0.09),
              params=p)  # fmt: skip
    assert list(state.difficulties[:, Difficulty.ORGANISATION]) == [True, False]
    apply(collaboration.meet_organisation_questions, state, 0, month(2), params=p)
    assert state.difficulties[0, Difficulty.ORGANISATION]
