"""Engagement (ODD 7.1, 7.2, 7.4): peer shares, the firm's Bass probability, giving up."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import engagement
from aiadopt.model.stages import Choice, Outsourcing, Stage, Strategy, UseCaseStage
from aiadopt.model.state import SetUpDraw

from .firms import apply, firms, month


def test_peer_shares_mix_the_own_pool_with_the_population() -> None:
    # pool 0: 2 firms, 1 engaged; pool 4: 2 firms, both engaged; overall 3 of 4
    stages = np.array([Stage.PLANNED, Stage.NOT_ENGAGED, Stage.DEPLOYED, Stage.PLANNED])
    state = firms(4, pool=np.array([0, 0, 4, 4]), stage=stages)
    shares = engagement.pool_peer_shares(state, Params(peer_own_weight=0.7))
    assert shares.shape == (9,)
    assert shares[0] == pytest.approx(0.7 * 0.5 + 0.3 * 0.75)
    assert shares[4] == pytest.approx(0.7 * 1.0 + 0.3 * 0.75)
    assert shares[8] == pytest.approx(0.3 * 0.75)  # an empty pool sees the population only
    population = engagement.pool_peer_shares(state, Params(peer_pool="population"))
    assert np.all(population == 0.75)


def _in_market(n: int = 1, **values) -> object:
    """Firms whose own market draw (their reservation utility) is 0: always in the market."""
    state = firms(n, **values)
    state.setup_draws[:, SetUpDraw.MARKET] = 0.0
    return state


def _engages(state, draw: float, pool_prob: float, params: Params | None = None) -> bool:
    return apply(engagement.engage, state, 0, month(engage=draw, pool_prob=pool_prob),
                 params=params)  # fmt: skip


def test_an_average_firm_engages_with_the_pools_bass_probability() -> None:
    """Obstacles at 0.5 and a size effect of 0: the firm's probability is the pool's."""
    params = Params(engage_size_effect=(0.0, 0.0, 0.0))
    state = _in_market()
    assert _engages(state, 0.0999, 0.1, params)
    assert not _engages(state, 0.1001, 0.1, params)


def test_obstacles_and_size_raise_or_lower_the_power_of_the_bass_probability() -> None:
    params = Params(engage_size_effect=(0.25, 0.0, -0.1), engage_obstacle_weights=(1, 0, 0, 0, 0))
    state = _in_market(demand=0.3)  # utility obstacle 0.7: 0.2 above average
    effect = 0.25 - 1.0 * (0.5 - 0.3)
    expected = 1.0 - (1.0 - 0.1) ** np.exp(effect)
    assert _engages(state, expected - 1e-6, 0.1, params)
    assert not _engages(state, expected + 1e-6, 0.1, params)


def test_engaged_firms_and_empty_or_certain_pools() -> None:
    assert not _engages(_in_market(stage=Stage.PLANNED), 0.0, 0.5)
    assert not _engages(_in_market(), 0.0, 0.0)
    assert _engages(_in_market(demand=0.0, skills=0.0, security=1.0), 0.999, 1.0)


# --- market potential (in_market) ----------------------------------------------------------------


def _market_probability(p: Params, size: int, sector: int, demand: float) -> float:
    v = (p.market_intercept + p.market_size_effect[size] + p.market_sector_effect[sector]
         + p.market_utility_effect * (demand - 0.5))  # fmt: skip
    return 1.0 / (1.0 + np.exp(-v))


def test_a_firm_is_in_the_market_while_its_draw_is_below_the_logit_of_its_utility() -> None:
    p = Params(market_intercept=0.3, market_size_effect=(0.0, 0.5, 1.0),
               market_sector_effect=(0.0, -0.4, 0.2), market_utility_effect=3.0)  # fmt: skip
    prob = _market_probability(p, 2, 1, 0.7)
    for draw, inside in ((prob - 1e-4, True), (prob + 1e-4, False)):
        state = firms(1, size=2, sector=1, demand=0.7)
        state.setup_draws[0, SetUpDraw.MARKET] = draw
        assert bool(apply(engagement.in_market, state, 0, params=p)) == inside


def test_the_market_widens_with_perceived_utility_size_and_sector() -> None:
    p = Params(market_size_effect=(0.0, 0.3, 0.6), market_sector_effect=(0.0, 0.0, 0.3))
    low, high = _market_probability(p, 0, 0, 0.2), _market_probability(p, 0, 0, 0.8)
    assert low < high
    assert _market_probability(p, 0, 0, 0.5) < _market_probability(p, 2, 0, 0.5)
    assert _market_probability(p, 0, 0, 0.5) < _market_probability(p, 0, 2, 0.5)
    # a firm whose draw lies between the two probabilities enters the market as demand grows
    state = firms(2, demand=np.array([0.2, 0.8]))
    state.setup_draws[:, SetUpDraw.MARKET] = 0.5 * (low + high)
    inside = [bool(apply(engagement.in_market, state, i, params=p)) for i in range(2)]
    assert inside == [False, True]


def test_a_firm_out_of_the_market_never_engages_whatever_its_peers() -> None:
    p = Params(market_intercept=-3.0)
    state = firms(1, demand=0.9, skills=0.9, security=0.1)
    state.setup_draws[0, SetUpDraw.MARKET] = 0.5  # above logistic(-3 + ...) = 0.08
    assert not bool(apply(engagement.in_market, state, 0, params=p))
    for pool_prob in (0.1, 0.9, 1.0):
        assert not _engages(state, 0.0, pool_prob, p)


# --- giving up ----------------------------------------------------------------------------------


def _give_up_probability(p: Params, load: float, enthusiasm: float) -> float:
    x = p.give_up_obstacle_effect * load + p.give_up_enthusiasm_effect * (0.5 - enthusiasm)
    return float(-np.expm1(-p.give_up_hazard * np.exp(x)))


def test_an_engaged_firm_with_nothing_in_place_gives_up_and_clears_its_portfolio() -> None:
    p = Params(give_up_hazard=0.05, give_up_obstacle_effect=1.0, give_up_enthusiasm_effect=2.0,
               progress_obstacle_weights=(0.0, 0.0, 1.0, 0.0, 0.0))  # fmt: skip
    stages = np.array([Stage.PLANNED, Stage.EXPERIMENTING, Stage.PLANNED])
    state = firms(3, stage=stages, uc_stage=UseCaseStage.PLANNED, uc_months=4, uc_stall=2,
                  training=True, security=0.7, enthusiasm=0.3)  # fmt: skip
    prob = _give_up_probability(p, 1.0 * (0.7 - 0.5), 0.3)
    assert apply(engagement.give_up, state, 0, month(give_up=prob * 0.99), params=p)
    assert state.stage[0] == Stage.NOT_ENGAGED
    assert np.all(state.uc_stage[0] == UseCaseStage.NONE)
    assert np.all(state.uc_months[0] == 0) and np.all(state.uc_stall[0] == 0)
    assert state.training[0]  # it keeps what it acquired, and may engage again
    assert apply(engagement.give_up, state, 1, month(give_up=prob * 0.99), params=p)
    assert not apply(engagement.give_up, state, 2, month(give_up=prob * 1.01), params=p)
    assert state.stage[2] == Stage.PLANNED and state.uc_months[2, 0] == 4


def test_firms_with_something_in_place_or_not_engaged_do_not_give_up() -> None:
    p = Params(give_up_hazard=1.0)
    state = firms(3, stage=np.array([Stage.DEPLOYED, Stage.SCALED, Stage.NOT_ENGAGED]),
                  enthusiasm=0.0, security=1.0)  # fmt: skip
    state.uc_stage[:2, 0] = UseCaseStage.IN_PLACE
    for i in range(3):
        assert not apply(engagement.give_up, state, i, month(3, give_up=0.0), params=p)
    assert list(state.stage) == [Stage.DEPLOYED, Stage.SCALED, Stage.NOT_ENGAGED]


@pytest.mark.parametrize("attribute", ["security", "regulation", "finance"])
def test_giving_up_rises_with_obstacles_and_with_low_enthusiasm(attribute: str) -> None:
    p = Params(give_up_hazard=0.01, give_up_obstacle_effect=2.0, give_up_enthusiasm_effect=3.0)
    w = p.progress_obstacle_weights[("security", "regulation", "finance").index(attribute) + 2]
    mild, heavy = _give_up_probability(p, w * -0.3, 0.5), _give_up_probability(p, w * 0.3, 0.5)
    keen, low = _give_up_probability(p, 0.0, 0.8), _give_up_probability(p, 0.0, 0.2)
    assert mild < heavy and keen < low
    for draw, value, gives_up in ((0.5 * (mild + heavy), 0.2, False),
                                  (0.5 * (mild + heavy), 0.8, True)):  # fmt: skip
        state = firms(1, stage=Stage.PLANNED, uc_stage=UseCaseStage.PLANNED, **{attribute: value})
        assert apply(engagement.give_up, state, 0, month(give_up=draw), params=p) == gives_up
    for draw, enthusiasm, gives_up in ((0.5 * (keen + low), 0.8, False),
                                       (0.5 * (keen + low), 0.2, True)):  # fmt: skip
        state = firms(1, stage=Stage.PLANNED, uc_stage=UseCaseStage.PLANNED,
                      enthusiasm=enthusiasm)  # fmt: skip
        assert apply(engagement.give_up, state, 0, month(give_up=draw), params=p) == gives_up


# --- peers' choices -----------------------------------------------------------------------------


def test_pool_choice_shares_count_the_engaged_peers_holding_each_choice() -> None:
    # pool 0: two engaged firms (one tripartite, outsourcing, training) and one not engaged
    # (its choices do not count); pool 4: one engaged firm with roles and experts
    state = firms(4, pool=np.array([0, 0, 0, 4]),
                  stage=np.array([Stage.PLANNED, Stage.DEPLOYED, Stage.NOT_ENGAGED,
                                  Stage.EXPERIMENTING]),
                  strategy=np.array([Strategy.TRIPARTITE, Strategy.AD_HOC_REQUESTS,
                                     Strategy.TRIPARTITE, Strategy.NONE]),
                  outsourcing=np.array([Outsourcing.ALL, 0, Outsourcing.PARTIAL, 0]),
                  training=np.array([True, False, True, False]),
                  roles_external=np.array([False, False, True, True]),
                  external_experts=np.array([False, False, True, True]))  # fmt: skip
    shares = engagement.pool_choice_shares(state, Params(peer_own_weight=0.7))
    assert shares.shape == (9, len(Choice))
    overall = np.zeros(len(Choice))
    overall[[Choice.TRIPARTITE, Choice.OUTSOURCE, Choice.TRAINING]] = 1 / 3
    overall[[Choice.ROLES_EXTERNAL, Choice.EXPERTS]] = 1 / 3
    own0 = np.zeros(len(Choice))
    own0[[Choice.TRIPARTITE, Choice.OUTSOURCE, Choice.TRAINING]] = 0.5
    own4 = np.zeros(len(Choice))
    own4[[Choice.ROLES_EXTERNAL, Choice.EXPERTS]] = 1.0
    assert shares[0] == pytest.approx(0.7 * own0 + 0.3 * overall)
    assert shares[4] == pytest.approx(0.7 * own4 + 0.3 * overall)
    assert shares[8] == pytest.approx(overall)  # a pool without engaged firms sees everyone
    population = engagement.pool_choice_shares(state, Params(peer_pool="population"))
    assert population == pytest.approx(np.tile(overall, (9, 1)))


def test_pool_choice_shares_are_one_half_before_anyone_engages() -> None:
    shares = engagement.pool_choice_shares(firms(3), Params())
    assert np.all(shares == 0.5)


def test_bass_month_probability_from_nobody_and_from_everybody() -> None:
    probs = engagement.bass_month_probability(np.array([0.0, 0.5, 1.0]), 0.01, 0.1)
    assert probs[0] == pytest.approx(engagement.bass_closed_form(1.0, 0.01, 0.1), rel=1e-12)
    assert 0 < probs[1] < 1 and probs[2] == 0.0
