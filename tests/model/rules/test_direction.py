"""Direction's monthly decisions (ODD 7.8, 7.9)."""

from __future__ import annotations

import numpy as np

from aiadopt.model.params import Params
from aiadopt.model.rules import direction
from aiadopt.model.stages import Collaboration, Outsourcing, ProviderManager, Stage, Strategy

from .firms import apply, firms, month


def test_only_active_firms_invest() -> None:
    stages = np.array([Stage.PLANNED, Stage.EXPERIMENTING])
    state = firms(2, stage=stages, outsourcing=Outsourcing.ALL, manager=ProviderManager.PAIR,
                  skills=1.0)  # fmt: skip
    draws = month(2, training=0.0, roles_internal=0.0, roles_external=0.0, insource=0.0)
    for i in range(2):
        apply(direction.invest, state, i, draws)
    assert list(state.training) == [False, True]
    assert list(state.roles_internal) == list(state.roles_external) == [False, True]
    assert list(state.outsourcing) == [Outsourcing.ALL, Outsourcing.NONE]
    assert list(state.manager) == [ProviderManager.PAIR, ProviderManager.NOBODY]


def test_insourcing_needs_skills() -> None:
    p = Params(insource_hazard=0.5)
    rate = -np.expm1(-0.5 * 0.4)
    for draw, insources in ((rate * 0.99, True), (rate * 1.01, False)):
        state = firms(1, stage=Stage.DEPLOYED, outsourcing=Outsourcing.PARTIAL, skills=0.4,
                      manager=ProviderManager.BUSINESS)  # fmt: skip
        apply(direction.invest, state, 0, month(1, insource=draw), params=p)
        assert (state.outsourcing[0] == Outsourcing.NONE) == insources


def test_balanced_collaboration_multiplies_the_tripartite_hazard() -> None:
    p = Params(tripartite_hazard=0.05, tripartite_balanced_factor=3.0)
    alone, balanced = -np.expm1(-0.05), -np.expm1(-0.15)
    draw = 0.5 * (alone + balanced)  # between the two probabilities
    state = firms(3, stage=np.array([Stage.PLANNED, Stage.PLANNED, Stage.NOT_ENGAGED]),
                  strategy=Strategy.AD_HOC_REQUESTS,
                  collaboration=np.array([Collaboration.BALANCED, Collaboration.TECHNIQUE_LED,
                                          Collaboration.BALANCED]))  # fmt: skip
    for i in range(3):
        apply(direction.revise_strategy, state, i, month(3, revise_strategy=draw), params=p)
    assert list(state.strategy) == [Strategy.TRIPARTITE, Strategy.AD_HOC_REQUESTS,
                                    Strategy.AD_HOC_REQUESTS]  # fmt: skip
