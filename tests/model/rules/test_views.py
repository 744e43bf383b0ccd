"""The two views of "deployed" (ODD 7.17): Technique's strict, Business's loose."""

from __future__ import annotations

import numpy as np

from aiadopt.model.rules import views
from aiadopt.model.stages import Stage, UseCase, UseCaseStage

from .firms import apply, firms


def _population():
    # 0 deployed; 1 shadow AI, not engaged; 2 loose view and a content pilot;
    # 3 loose view and a test-automation pilot; 4 a content pilot without the loose view
    state = firms(5, stage=np.array([Stage.DEPLOYED, 0, Stage.EXPERIMENTING, 2, 2]),
                  shadow_ai=np.array([False, True, False, False, False]),
                  loose_view=np.array([False, False, True, True, False]))  # fmt: skip
    state.uc_stage[[2, 4], UseCase.CONTENT] = UseCaseStage.IN_DEVELOPMENT
    state.uc_stage[3, UseCase.TEST_AUTOMATION] = UseCaseStage.IN_DEVELOPMENT
    return state


def test_each_role_sees_deployment_its_own_way() -> None:
    state = _population()
    technique = [bool(apply(views.technique_sees_deployed_firm, state, i)) for i in range(5)]
    business = [bool(apply(views.business_sees_deployed_firm, state, i)) for i in range(5)]
    assert technique == [True, False, False, False, False]
    assert business == [True, True, True, False, False]


def test_the_whole_population_views_are_the_firms_views() -> None:
    state = _population()
    assert list(views.technique_sees_deployed(state)) == [True, False, False, False, False]
    assert list(views.business_sees_deployed(state)) == [True, True, True, False, False]
