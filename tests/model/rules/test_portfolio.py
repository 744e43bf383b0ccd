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
    Outsourcing,
    ProviderManager,
    Stage,
    Strategy,
    UseCaseStage,
)

from .firms import apply, firms, month


def test_progress_adds_the_success_factors_and_obstacles_of_an_engaged_firm() -> None:
    p = Params(complementarity=0.07)
    state = firms(2, stage=np.array([Stage.PLANNED, Stage.NOT_ENGAGED]),
                  strategy=Strategy.TRIPARTITE, manager=ProviderManager.PAIR,
                  collaboration=Collaboration.BALANCED, training=True, roles_external=True,
                  skills=0.8, security=0.9, size=2)  # fmt: skip
    state.difficulties[:, Difficulty.COMMUNICATION] = True
    w = p.progress_obstacle_weights
    want = (p.strategy_effect[3] + p.manager_effect[0] + p.collaboration_effect[0]
            + p.training_effect + p.roles_effect + p.communication_effect
            + p.skills_effect * 0.3 - (w[1] * (0.5 - 0.8) + w[2] * (0.9 - 0.5))
            + p.progress_size_effect[2]
            + 0.07 * 10)  # five factors held together: 10 pairs  # fmt: skip
    assert apply(portfolio.progress, state, 0, params=p) == pytest.approx(want, abs=1e-6)
    assert apply(portfolio.progress, state, 1, params=p) == 0.0


# The six success factors of text p.6, each as the state values that give it.
FACTORS: dict[str, dict[str, object]] = {
    "tripartite": {"strategy": Strategy.TRIPARTITE},
    "pair": {"manager": ProviderManager.PAIR, "outsourcing": Outsourcing.PARTIAL},
    "training": {"training": True},
    "dedicated": {"dedicated": True},
    "roles": {"roles_internal": True},
    "balanced": {"collaboration": Collaboration.BALANCED},
}
WITHOUT: dict[str, object] = {
    "strategy": Strategy.AD_HOC_REQUESTS, "manager": ProviderManager.TECHNIQUE,
    "outsourcing": Outsourcing.PARTIAL, "collaboration": Collaboration.TECHNIQUE_LED,
}  # fmt: skip
"""A firm without any factor: ad hoc strategy, providers managed by Technique, led by it."""


def _firm_with(*factors: str, **extra: object):
    values = {**WITHOUT, "stage": Stage.EXPERIMENTING, "skills": 0.7, "finance": 0.6, **extra}
    for name in factors:
        values.update(FACTORS[name])
    return firms(1, **values)


def test_success_factor_pairs_count_the_pairs_of_factors_held_together() -> None:
    names = list(FACTORS)
    for k in range(len(names) + 1):
        state = _firm_with(*names[:k])
        assert apply(portfolio.success_factor_pairs, state, 0) == k * (k - 1) / 2
    # roles from outside count as the roles factor, and both kinds of roles count once
    state = _firm_with("training", roles_external=True)
    assert apply(portfolio.success_factor_pairs, state, 0) == 1
    state = _firm_with("training", "roles", roles_external=True)
    assert apply(portfolio.success_factor_pairs, state, 0) == 1
    # experts, outsourcing without the pair, and other modes are not success factors
    state = _firm_with("training", external_experts=True, collaboration=Collaboration.NONE)
    assert apply(portfolio.success_factor_pairs, state, 0) == 0


@pytest.mark.parametrize("complementarity", [0.0, 0.05, 0.3, -0.2])
def test_factors_together_add_their_effects_plus_the_interaction_term_only(
    complementarity: float,
) -> None:
    """Acceptance of issue 12 on the rule: for a firm, the log-effect of all six factors
    over none is the sum of each factor's own effect over none, plus ``complementarity``
    times the 15 pairs; with no complementarity the effects add exactly."""
    p = Params(complementarity=complementarity)

    def progress(*factors: str) -> float:
        return float(apply(portfolio.progress, _firm_with(*factors), 0, params=p))

    none = progress()
    singles = sum(progress(name) - none for name in FACTORS)
    combined = progress(*FACTORS) - none
    assert combined == pytest.approx(singles + complementarity * 15, abs=1e-9)
    # and every subset: k factors together carry k(k-1)/2 pairs
    for subset in (("tripartite", "training"), ("pair", "dedicated", "balanced")):
        k = len(subset)
        effect = progress(*subset) - none
        assert effect == pytest.approx(
            sum(progress(name) - none for name in subset) + complementarity * k * (k - 1) / 2,
            abs=1e-9,
        )


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


def test_disappointed_firms_withdraw_use_cases_in_place_more() -> None:
    p = Params(decommission_hazard=0.01, fallback_disappointment_effect=4.0)

    def p_withdraw(enthusiasm: float) -> float:
        return float(-np.expm1(-0.01 * np.exp(4.0 * (0.5 - enthusiasm))))

    keen, disappointed = p_withdraw(0.8), p_withdraw(0.2)
    assert keen < disappointed
    draw = 0.5 * (keen + disappointed)
    for enthusiasm, withdrawn in ((0.8, False), (0.2, True)):
        state = firms(1, stage=Stage.DEPLOYED, uc_stage=UseCaseStage.IN_PLACE,
                      enthusiasm=enthusiasm)  # fmt: skip
        _advance(state, month(1, usecases=draw), p)
        want = UseCaseStage.PLANNED if withdrawn else UseCaseStage.IN_PLACE
        assert np.all(state.uc_stage[0] == want)
    # with no effect, enthusiasm does not matter: the rate is decommission_hazard
    flat = Params(decommission_hazard=0.01, fallback_disappointment_effect=0.0)
    for enthusiasm in (0.2, 0.8):
        state = firms(1, stage=Stage.DEPLOYED, uc_stage=UseCaseStage.IN_PLACE,
                      enthusiasm=enthusiasm)  # fmt: skip
        _advance(state, month(1, usecases=-np.expm1(-0.01) * 1.01), flat)
        assert np.all(state.uc_stage[0] == UseCaseStage.IN_PLACE)
