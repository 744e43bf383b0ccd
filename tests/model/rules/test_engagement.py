"""Engagement (ODD 7.1, 7.2, 7.4): peer shares, the firm's Bass probability, giving up."""

from __future__ import annotations

import numpy as np
import pytest

from aiadopt.model.params import Params
from aiadopt.model.rules import engagement
from aiadopt.model.stages import Stage, UseCaseStage

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


def _engages(state, draw: float, pool_prob: float, params: Params | None = None) -> bool:
    return apply(engagement.engage, state, 0, month(engage=draw, pool_prob=pool_prob),
                 params=params)  # fmt: skip


def test_an_average_firm_engages_with_the_pools_bass_probability() -> None:
    """Obstacles at 0.5 and a size effect of 0: the firm's probability is the pool's."""
    params = Params(engage_size_effect=(0.0, 0.0, 0.0))
    state = firms(1)
    assert _engages(state, 0.0999, 0.1, params)
    assert not _engages(state, 0.1001, 0.1, params)


def test_obstacles_and_size_raise_or_lower_the_power_of_the_bass_probability() -> None:
    params = Params(engage_size_effect=(0.25, 0.0, -0.1), engage_obstacle_weights=(1, 0, 0, 0, 0))
    state = firms(1, demand=0.3)  # utility obstacle 0.7: 0.2 above average
    effect = 0.25 - 1.0 * (0.5 - 0.3)
    expected = 1.0 - (1.0 - 0.1) ** np.exp(effect)
    assert _engages(state, expected - 1e-6, 0.1, params)
    assert not _engages(state, expected + 1e-6, 0.1, params)


def test_engaged_firms_and_empty_or_certain_pools() -> None:
    assert not _engages(firms(1, stage=Stage.PLANNED), 0.0, 0.5)
    assert not _engages(firms(1), 0.0, 0.0)
    assert _engages(firms(1, demand=0.0, skills=0.0, security=1.0), 0.999, 1.0)


def test_a_planned_firm_may_give_up_and_clear_its_plans() -> None:
    state = firms(3, stage=np.array([Stage.PLANNED, Stage.PLANNED, Stage.EXPERIMENTING]),
                  uc_stage=UseCaseStage.PLANNED, uc_months=4, training=True)  # fmt: skip
    p = -np.expm1(-Params().abandon_planned)
    draws = month(abandon=np.float32(p * 0.5))
    assert apply(engagement.abandon, state, 0, draws)
    assert state.stage[0] == Stage.NOT_ENGAGED
    assert np.all(state.uc_stage[0] == UseCaseStage.NONE) and np.all(state.uc_months[0] == 0)
    assert state.training[0]  # it keeps what it acquired
    assert not apply(engagement.abandon, state, 1, month(abandon=np.float32(p * 1.5)))
    assert not apply(engagement.abandon, state, 2, draws)  # experimenting firms do not give up
    assert state.stage[2] == Stage.EXPERIMENTING and state.uc_months[2, 0] == 4


def test_bass_month_probability_from_nobody_and_from_everybody() -> None:
    probs = engagement.bass_month_probability(np.array([0.0, 0.5, 1.0]), 0.01, 0.1)
    assert probs[0] == pytest.approx(engagement.bass_closed_form(1.0, 0.01, 0.1), rel=1e-12)
    assert 0 < probs[1] < 1 and probs[2] == 0.0
