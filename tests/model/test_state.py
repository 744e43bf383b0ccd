"""The firms' state (``aiadopt/model/state.py``): the initial population's arrays, strata
drawn to the parameters' shares, attributes to their means, nobody engaged yet, and the same
population from the same seed."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from aiadopt.model.params import N_USE_CASES, Params
from aiadopt.model.stages import (
    Collaboration,
    Difficulty,
    Gain,
    Outsourcing,
    ProviderManager,
    Region,
    Sector,
    SizeClass,
    Stage,
    Strategy,
)
from aiadopt.model.state import FirmState, SetUpDraw, beta_draw, init_population
from aiadopt.model.streams import Streams

BIG = 200_000
"""Firms enough for shares and means to sit within a few thousandths of their targets."""


def population(seed: int = 1, **overrides) -> FirmState:
    return init_population(Params(**{"n_firms": 50, **overrides}), Streams(seed))


@pytest.fixture(scope="module")
def big() -> tuple[Params, FirmState]:
    """A large population with shares away from the defaults, so a share taken from the
    wrong parameter (or in the wrong order) shows."""
    params = Params(n_firms=BIG, size_shares=(0.1, 0.3, 0.6), sector_shares=(0.5, 0.15, 0.35),
                    idf_share=0.7, pilot_loose_view=0.2)  # fmt: skip
    return params, init_population(params, Streams(7))


# The dtype and the columns of each array, as ``FirmState`` documents them.
SHAPES = {
    "size": (np.int8, None), "sector": (np.int8, None), "region": (np.int8, None),
    "pool": (np.int16, None), "stage": (np.int8, None), "engaged_month": (np.int16, None),
    "scaled": (np.bool_, None), "strategy": (np.int8, None), "outsourcing": (np.int8, None),
    "manager": (np.int8, None), "training": (np.bool_, None), "dedicated": (np.bool_, None),
    "roles_internal": (np.bool_, None), "roles_external": (np.bool_, None),
    "external_experts": (np.bool_, None), "held": (np.uint16, None), "skills": (np.float32, None),
    "security": (np.float32, None), "technique_agentic": (np.bool_, None),
    "demand": (np.float32, None), "enthusiasm": (np.float32, None),
    "shadow_propensity": (np.float32, None), "shadow_ai": (np.bool_, None),
    "loose_view": (np.bool_, None), "business_agentic": (np.bool_, None),
    "regulation": (np.float32, None), "finance": (np.float32, None),
    "alignment": (np.float32, None), "alignment_taste": (np.float32, None),
    "collaboration": (np.int8, None),
    "difficulties": (np.bool_, len(Difficulty)),
    "uc_stage": (np.int8, N_USE_CASES), "uc_months": (np.int16, N_USE_CASES),
    "uc_stall": (np.int8, N_USE_CASES), "uc_experience": (np.float32, N_USE_CASES),
    "expected": (np.float32, len(Gain)), "realised": (np.float32, len(Gain)),
    "setup_draws": (np.float32, len(SetUpDraw)),
}  # fmt: skip


def test_every_array_has_one_entry_per_firm_in_its_documented_dtype() -> None:
    state = population(n_firms=37)
    assert state.n == 37
    assert {f.name for f in fields(FirmState)} == set(SHAPES)
    for name, (dtype, columns) in SHAPES.items():
        array = getattr(state, name)
        want = (37,) if columns is None else (37, columns)
        assert array.shape == want and array.dtype == dtype, name


def test_memory_is_about_250_bytes_per_firm() -> None:
    state = population(n_firms=1_000)
    assert state.nbytes() == sum(getattr(state, f.name).nbytes for f in fields(FirmState))
    assert 150 <= state.nbytes() / 1_000 <= 300


def test_nobody_is_engaged_at_the_start() -> None:
    """November 2022: no firm has engaged, chosen anything, or started a use case."""
    params = Params(n_firms=500, enthusiasm_initial=0.3)
    s = init_population(params, Streams(3))
    assert (s.stage == Stage.NOT_ENGAGED).all() and (s.engaged_month == -1).all()
    assert (s.strategy == Strategy.NONE).all() and (s.outsourcing == Outsourcing.NONE).all()
    assert (s.manager == ProviderManager.NOBODY).all()
    assert (s.collaboration == Collaboration.UNSET).all()
    assert (s.alignment == 0.0).all() and (s.held == 0).all()  # no policy holds a choice yet
    for flags in (s.scaled, s.training, s.dedicated, s.roles_internal, s.roles_external,
                  s.external_experts, s.technique_agentic, s.business_agentic, s.shadow_ai,
                  s.difficulties):  # fmt: skip
        assert not flags.any()
    for counts in (s.uc_stage, s.uc_months, s.uc_stall, s.uc_experience, s.expected, s.realised):
        assert not counts.any()
    assert (s.enthusiasm == np.float32(0.3)).all()


def test_strata_follow_the_parameters_shares(big) -> None:
    params, s = big
    size_shares = np.bincount(s.size, minlength=len(SizeClass)) / BIG
    sector_shares = np.bincount(s.sector, minlength=len(Sector)) / BIG
    np.testing.assert_allclose(size_shares, params.size_shares, atol=0.005)
    np.testing.assert_allclose(sector_shares, params.sector_shares, atol=0.005)
    assert np.mean(s.region == Region.ILE_DE_FRANCE) == pytest.approx(params.idf_share, abs=0.005)
    assert set(np.unique(s.region)) == {Region.ILE_DE_FRANCE, Region.PROVINCE}


def test_the_peer_pool_is_sector_by_size(big) -> None:
    _, s = big
    np.testing.assert_array_equal(s.pool, s.sector.astype(np.int16) * len(SizeClass) + s.size)
    assert len(np.unique(s.pool)) == len(Sector) * len(SizeClass)


def test_attributes_are_drawn_around_their_means(big) -> None:
    params, s = big
    for name in ("skills", "security", "demand", "shadow_propensity", "regulation", "finance"):
        values = getattr(s, name)
        assert values.min() >= 0.0 and values.max() <= 1.0, name
        assert values.mean() == pytest.approx(getattr(params, f"{name}_mean"), abs=0.005), name
    assert s.loose_view.mean() == pytest.approx(params.pilot_loose_view, abs=0.005)
    assert s.setup_draws.min() >= 0.0 and s.setup_draws.max() < 1.0
    assert s.setup_draws.mean() == pytest.approx(0.5, abs=0.005)


def test_a_beta_draw_has_the_given_mean_and_concentration() -> None:
    """a + b = concentration: the variance is mean (1 - mean) / (concentration + 1)."""
    rng = np.random.default_rng(0)
    for mean, concentration in ((0.2, 4.0), (0.7, 50.0)):
        x = beta_draw(rng, mean, concentration, BIG)
        assert x.dtype == np.float32 and x.shape == (BIG,)
        assert x.mean() == pytest.approx(mean, abs=0.003)
        want_var = mean * (1 - mean) / (concentration + 1)
        assert x.var() == pytest.approx(want_var, rel=0.03)


def test_the_same_seed_draws_the_same_population() -> None:
    a, b, other = population(seed=5), population(seed=5), population(seed=6)
    for f in fields(FirmState):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)
    assert not np.array_equal(a.skills, other.skills)
    assert not np.array_equal(a.setup_draws, other.setup_draws)


def test_an_attribute_mean_changes_no_other_stream() -> None:
    """Strata, set-up draws and the other attributes' streams do not shift when one
    attribute's mean changes (common random numbers across scenarios)."""
    a, b = population(seed=2, skills_mean=0.4), population(seed=2, skills_mean=0.6)
    assert b.skills.mean() > a.skills.mean()
    for name in ("size", "sector", "region", "pool", "setup_draws"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_the_alignment_taste_is_the_logit_of_the_firms_own_draw() -> None:
    from aiadopt.model import AdoptionModel
    from aiadopt.model.state import SetUpDraw

    s = AdoptionModel(Params(n_firms=500), seed=3, firm_agents=False, collect=False).state
    u = s.setup_draws[:, SetUpDraw.ALIGNMENT].astype(np.float64)
    assert s.alignment_taste == pytest.approx(np.log(u / (1 - u)), rel=1e-5, abs=1e-5)
