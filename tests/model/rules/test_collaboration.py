"""Collaboration (ODD 7.15): rebalancing by stage, organisation questions once deployed."""

from __future__ import annotations

import numpy as np

from aiadopt.model.params import Params
from aiadopt.model.rules import collaboration
from aiadopt.model.stages import Collaboration, Difficulty, Stage

from .firms import apply, firms, month


def test_collaboration_rebalances_at_its_stages_rate() -> None:
    p = Params(rebalance_hazard=(0.0, 0.01, 0.2, 0.2))
    draw = 0.05  # above 1 - e^-0.01, below 1 - e^-0.2
    stages = np.array([Stage.PLANNED, Stage.EXPERIMENTING, Stage.DEPLOYED, Stage.SCALED,
                       Stage.DEPLOYED, Stage.NOT_ENGAGED])  # fmt: skip
    modes = np.array([Collaboration.NONE, Collaboration.TECHNIQUE_LED, Collaboration.BUSINESS_LED,
                      Collaboration.NONE, Collaboration.UNSET, Collaboration.NONE])  # fmt: skip
    state = firms(6, stage=stages, collaboration=modes)
    for i in range(6):
        apply(collaboration.rebalance, state, i, month(6, rebalance=draw), params=p)
    assert list(state.collaboration) == [Collaboration.NONE, Collaboration.TECHNIQUE_LED,
                                         Collaboration.BALANCED, Collaboration.BALANCED,
                                         Collaboration.UNSET, Collaboration.NONE]  # fmt: skip


def test_deployed_firms_meet_organisation_questions_for_good() -> None:
    p = Params(organisation_discovery=0.1)
    state = firms(2, stage=np.array([Stage.DEPLOYED, Stage.EXPERIMENTING]))
    for i in range(2):
        apply(collaboration.meet_organisation_questions, state, i, month(2, organisation=0.09),
              params=p)  # fmt: skip
    assert list(state.difficulties[:, Difficulty.ORGANISATION]) == [True, False]
    apply(collaboration.meet_organisation_questions, state, 0, month(2), params=p)
    assert state.difficulties[0, Difficulty.ORGANISATION]
