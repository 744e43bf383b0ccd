"""Direction decides (ODD 7.8): logit choices at engagement and at each revision."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import direction
from aiadopt.model.stages import (
    Choice,
    Outsourcing,
    ProviderManager,
    Stage,
    Strategy,
)
from aiadopt.model.state import SetUpDraw

from .firms import apply, firms, month

PARAMS = Params(
    choice_intercept=(-1.0, 0.5, 0.2, -0.3, -0.6, -1.5, 0.1),
    choice_size_effect=(0.0, 0.3, 0.7),
    choice_skills_effect=(0.5, -2.0, 0.3, 0.6, 1.5, 1.0, -1.0),
    choice_business_effect=(1.0, 0.4, 1.2, 0.8, 0.5, 0.6, 0.7),
    choice_finance_effect=(-0.2, -0.5, -0.6, -0.7, -0.4, -1.0, -0.3),
    choice_alignment_effect=(2.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
    choice_returns_effect=(1.5, -1.0, 1.0, 0.5, 1.0, 2.0, 0.3),
    choice_peer_effect=1.3,
    expected_gain=(8.0, 3.0, 3.3),
    ad_hoc_shares=(0.2, 0.3, 0.5),
)  # fmt: skip
ATTRIBUTES = {"skills": 0.7, "demand": 0.6, "enthusiasm": 0.8, "finance": 0.3, "alignment": 0.4}
PEER_SHARES = np.linspace(0.1, 0.7, len(Choice))


def _state(n: int = 1, returns: float | np.ndarray = 2.0, **values):
    """Firms of size 2 in pool 5 at ``ATTRIBUTES``, realised productivity ``returns``."""
    state = firms(n, **{**ATTRIBUTES, "size": 2, "pool": 5, **values})
    state.realised[:, 0] = returns
    return state


def _probability(state, c: int, i: int = 0, params: Params = PARAMS,
                 peers: np.ndarray = PEER_SHARES) -> float:  # fmt: skip
    return float(apply(direction.choice_probability, state, i,
                       month(state.n, choice_shares=peers), params=params, c=c))  # fmt: skip


@pytest.mark.parametrize("choice", list(Choice))
def test_the_choice_probability_is_the_logistic_of_the_utility(choice: Choice) -> None:
    p, c = PARAMS, int(choice)
    state = _state()
    v = (p.choice_intercept[c] + p.choice_size_effect[2] + p.choice_skills_effect[c] * 0.2
         + p.choice_business_effect[c] * (0.5 * (0.6 + 0.8) - 0.5)
         + p.choice_finance_effect[c] * (0.3 - 0.5) + p.choice_alignment_effect[c] * (0.4 - 0.5)
         + p.choice_returns_effect[c] * 2.0 / 8.0
         + p.choice_peer_effect * (PEER_SHARES[c] - 0.5))  # fmt: skip
    assert _probability(state, c) == pytest.approx(1 / (1 + np.exp(-v)), rel=1e-6)


SLOPES = [
    ("skills", "choice_skills_effect", 0.2, 0.9),
    ("demand", "choice_business_effect", 0.1, 0.9),
    ("enthusiasm", "choice_business_effect", 0.1, 0.9),
    ("finance", "choice_finance_effect", 0.1, 0.9),
    ("alignment", "choice_alignment_effect", 0.1, 0.9),
    ("returns", "choice_returns_effect", 0.0, 6.0),
]


@pytest.mark.parametrize(("attribute", "slope", "low", "high"), SLOPES)
@pytest.mark.parametrize("choice", list(Choice))
def test_the_choice_probability_moves_with_each_input_as_its_slopes_sign(
    attribute: str, slope: str, low: float, high: float, choice: Choice
) -> None:
    c = int(choice)
    state = _state(2, **{attribute: np.array([low, high])})
    p_low, p_high = _probability(state, c, 0), _probability(state, c, 1)
    sign = np.sign(getattr(PARAMS, slope)[c])
    assert np.sign(p_high - p_low) == sign
    # and with the slope at 0 the input does not matter
    flat = PARAMS.replace(**{slope: (0.0,) * len(Choice)})
    assert _probability(state, c, 0, flat) == pytest.approx(_probability(state, c, 1, flat))


@pytest.mark.parametrize("choice", list(Choice))
def test_peers_and_size_raise_the_probability_of_every_choice(choice: Choice) -> None:
    c = int(choice)
    state = _state(2, size=np.array([0, 2]))
    assert _probability(state, c, 0) < _probability(state, c, 1)  # size effect 0 < 0.7
    few, many = PEER_SHARES.copy(), PEER_SHARES.copy()
    few[c], many[c] = 0.1, 0.9
    state = _state()
    assert _probability(state, c, peers=few) < _probability(state, c, peers=many)


# --- decide -------------------------------------------------------------------------------------


def _decide(state, i: int = 0, params: Params = PARAMS, peers: np.ndarray = PEER_SHARES) -> None:
    apply(direction.decide, state, i, month(state.n, choice_shares=peers), params=params)


def _choice_draws(state, i: int, draws: dict[Choice, float]) -> None:
    for choice, value in draws.items():
        state.setup_draws[i, SetUpDraw.CHOICE_TRIPARTITE + int(choice)] = value


def _held_choices(state, i: int = 0) -> dict[Choice, bool]:
    return {
        Choice.TRIPARTITE: state.strategy[i] == Strategy.TRIPARTITE,
        Choice.OUTSOURCE: state.outsourcing[i] != Outsourcing.NONE,
        Choice.TRAINING: bool(state.training[i]),
        Choice.DEDICATED: bool(state.dedicated[i]),
        Choice.ROLES_INTERNAL: bool(state.roles_internal[i]),
        Choice.ROLES_EXTERNAL: bool(state.roles_external[i]),
        Choice.EXPERTS: bool(state.external_experts[i]),
    }


def test_a_firm_makes_each_choice_while_its_own_draw_is_below_the_probability() -> None:
    state = _state(2)
    probs = [_probability(state, int(c)) for c in Choice]
    _choice_draws(state, 0, {c: probs[c] * 0.99 for c in Choice})
    _choice_draws(state, 1, {c: probs[c] * 1.01 for c in Choice})
    _decide(state, 0)
    _decide(state, 1)
    assert all(_held_choices(state, 0).values())
    assert not any(_held_choices(state, 1).values())
    assert state.manager[1] == ProviderManager.NOBODY  # nothing outsourced, nobody manages


@pytest.mark.parametrize(("draw", "strategy"), [(0.1, Strategy.NONE),
                                                (0.3, Strategy.AD_HOC_REQUESTS),
                                                (0.9, Strategy.AD_HOC_CAPACITY)])  # fmt: skip
def test_without_the_tripartite_strategy_the_ad_hoc_kind_comes_from_the_firms_draw(
    draw: float, strategy: Strategy
) -> None:
    state = _state(strategy=Strategy.TRIPARTITE)
    _choice_draws(state, 0, {Choice.TRIPARTITE: 0.9999})
    state.setup_draws[0, SetUpDraw.AD_HOC] = draw  # shares 0.2, 0.3, 0.5
    _decide(state)
    assert state.strategy[0] == strategy


def test_a_policy_held_choice_is_left_as_it_is() -> None:
    everything = {c: 0.0 for c in Choice}
    state = _state(strategy=Strategy.AD_HOC_REQUESTS, training=False,
                   outsourcing=Outsourcing.PARTIAL, manager=ProviderManager.BUSINESS)  # fmt: skip
    _choice_draws(state, 0, everything)
    state.held[0] = (1 << Choice.TRIPARTITE) | (1 << Choice.TRAINING) | (1 << Choice.OUTSOURCE)
    _decide(state)
    assert state.strategy[0] == Strategy.AD_HOC_REQUESTS and not state.training[0]
    assert state.outsourcing[0] == Outsourcing.PARTIAL
    assert state.manager[0] == ProviderManager.BUSINESS
    assert state.dedicated[0] and state.roles_internal[0] and state.external_experts[0]
    # and the other way round: a held choice is not dropped when the draw says no
    state = _state(strategy=Strategy.TRIPARTITE, training=True)
    _choice_draws(state, 0, {c: 0.9999 for c in Choice})
    state.held[0] = (1 << Choice.TRIPARTITE) | (1 << Choice.TRAINING)
    _decide(state)
    assert state.strategy[0] == Strategy.TRIPARTITE and state.training[0]


# --- providers ----------------------------------------------------------------------------------


def _providers(skills: float, alignment: float, all_draw: float, manager_draw: float,
               params: Params = PARAMS) -> tuple[Outsourcing, ProviderManager]:  # fmt: skip
    state = _state(skills=skills, alignment=alignment)
    _choice_draws(state, 0, {Choice.OUTSOURCE: 0.0})
    state.setup_draws[0, SetUpDraw.OUTSOURCE_ALL] = all_draw
    state.setup_draws[0, SetUpDraw.MANAGER] = manager_draw
    _decide(state, params=params)
    return Outsourcing(state.outsourcing[0]), ProviderManager(state.manager[0])


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


def test_less_skilled_firms_outsource_all_development() -> None:
    p = PARAMS
    skilled = _logistic(p.outsource_all_intercept + p.outsource_all_skills_effect * 0.4)
    unskilled = _logistic(p.outsource_all_intercept + p.outsource_all_skills_effect * -0.4)
    assert skilled < unskilled  # Figure 10: lack of skills is the first reason
    draw = 0.5 * (skilled + unskilled)
    assert _providers(0.9, 0.5, draw, 0.0)[0] == Outsourcing.PARTIAL
    assert _providers(0.1, 0.5, draw, 0.0)[0] == Outsourcing.ALL


def test_the_pair_manages_the_providers_more_often_the_better_aligned_the_roles() -> None:
    p = PARAMS.replace(manager_pair_intercept=0.0, manager_alignment_effect=2.0,
                       manager_technique_share=0.6)  # fmt: skip
    apart, aligned = _logistic(2.0 * -0.4), _logistic(2.0 * 0.4)
    draw = 0.5 * (apart + aligned)
    assert _providers(0.5, 0.1, 0.0, draw, p)[1] != ProviderManager.PAIR
    assert _providers(0.5, 0.9, 0.0, draw, p)[1] == ProviderManager.PAIR
    # else Technique alone with probability manager_technique_share, else Business
    p_pair = _logistic(0.0)
    split = p_pair + 0.6 * (1 - p_pair)
    assert _providers(0.5, 0.5, 0.0, split - 0.01, p)[1] == ProviderManager.TECHNIQUE
    assert _providers(0.5, 0.5, 0.0, split + 0.01, p)[1] == ProviderManager.BUSINESS


# --- revise -------------------------------------------------------------------------------------


def test_only_engaged_firms_revise_and_only_on_their_revision_draw() -> None:
    p = PARAMS.replace(revision_hazard=0.1)
    p_revise = -np.expm1(-0.1)
    stages = np.array([Stage.NOT_ENGAGED, Stage.PLANNED, Stage.DEPLOYED, Stage.SCALED])
    state = _state(4, stage=stages)
    for i in range(4):
        _choice_draws(state, i, {c: 0.0 for c in Choice})  # every choice, if it decides
    def month_of(draw: float) -> None:
        """The pass: a firm that reviews its choices this month decides anew."""
        inputs = month(4, revise=draw, choice_shares=PEER_SHARES)
        for i in range(4):
            if apply(direction.reviews, state, i, inputs, params=p):
                apply(direction.revise, state, i, inputs, params=p)

    month_of(p_revise * 1.01)
    assert not state.training.any() and not state.dedicated.any()  # nobody's turn
    month_of(p_revise * 0.99)
    assert list(state.training) == [False, True, True, True]
    assert list(state.strategy) == [Strategy.NONE] + [Strategy.TRIPARTITE] * 3


def test_a_revision_decides_anew_from_what_the_firm_sees_now() -> None:
    """Returns seen lead to training (positive slope): a firm that did not train at
    engagement trains after a revision once its use cases deliver."""
    p = PARAMS.replace(revision_hazard=1.0)
    state = _state(stage=Stage.DEPLOYED, returns=0.0)
    before = _probability(state, Choice.TRAINING, params=p)
    state.realised[0, 0] = 8.0
    after = _probability(state, Choice.TRAINING, params=p)
    assert before < after
    _choice_draws(state, 0, {Choice.TRAINING: 0.5 * (before + after)})
    state.realised[0, 0] = 0.0
    _decide(state, params=p)
    assert not state.training[0]
    state.realised[0, 0] = 8.0
    apply(direction.revise, state, 0, month(1, revise=0.0, choice_shares=PEER_SHARES), params=p)
    assert state.training[0]


def test_a_firm_that_gives_up_stops_its_programme_except_what_a_policy_holds() -> None:
    from aiadopt.model.stages import Choice, Collaboration, Outsourcing, ProviderManager

    state = firms(1, strategy=Strategy.TRIPARTITE, training=True, dedicated=True,
                  roles_internal=True, roles_external=True, external_experts=True,
                  outsourcing=Outsourcing.ALL, manager=ProviderManager.PAIR,
                  collaboration=Collaboration.BALANCED, alignment=0.8)  # fmt: skip
    state.held[0] = 1 << int(Choice.TRAINING)
    apply(direction.stop_programme, state, 0)
    assert state.training[0]  # held by a policy
    assert state.strategy[0] == Strategy.NONE and not state.dedicated[0]
    assert not (state.roles_internal[0] or state.roles_external[0] or state.external_experts[0])
    assert state.outsourcing[0] == Outsourcing.NONE and state.manager[0] == ProviderManager.NOBODY
    assert state.collaboration[0] == Collaboration.UNSET and state.alignment[0] == 0.0


def test_risk_concerns_move_the_choices_their_slopes_point_to() -> None:
    from aiadopt.model.stages import Choice

    low, high = firms(1, security=0.2, regulation=0.2), firms(1, security=0.9, regulation=0.9)
    p = Params(choice_risk_effect=(1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0))
    probs = [
        [float(apply(direction.choice_probability, s, 0, month(), params=p, c=int(c)))
         for c in (Choice.TRIPARTITE, Choice.OUTSOURCE, Choice.TRAINING)]
        for s in (low, high)
    ]  # fmt: skip
    assert probs[1][0] > probs[0][0] and probs[1][1] < probs[0][1]
    assert probs[1][2] == pytest.approx(probs[0][2])
