"""Simulation-based calibration (``aiadopt.calibration.sbc``): the scoring and coverage on
toy posteriors whose calibration is known, and the prior-predictive draw of one synthetic
study.  No refit here (benchmarks/sbc.py runs them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt.calibration import sbc
from aiadopt.calibration.design import ParameterSpace
from aiadopt.calibration.draws import NUISANCE_PREFIX
from aiadopt.calibration.priors import load_priors


def _toy_rows(n_refits: int, sd_scale: float, seed: int = 3) -> pd.DataFrame:
    """Score a normal-normal model: theta ~ N(0, 1), y ~ N(theta, 1), so the exact posterior
    is N(y / 2, 1 / 2); ``sd_scale`` shrinks (<1) the posterior sd the "sampler" reports."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n_refits):
        theta = rng.standard_normal()
        y = theta + rng.standard_normal()
        draws = y / 2 + sd_scale * np.sqrt(0.5) * rng.standard_normal(400)
        rows.append(sbc._row(r, "parameter", "theta", "posterior", theta, draws, rng))
    return pd.DataFrame(rows)


def test_a_calibrated_posterior_covers_about_ninety_percent() -> None:
    cov = sbc.coverage(_toy_rows(1000, 1.0))["parameters"]
    a = cov["all"]
    assert a["pairs"] == 1000 and a["refits"] == 1000
    assert 0.87 <= a["coverage"] <= 0.93
    assert a["coverage_lo"] < 0.9 < a["coverage_hi"]
    assert cov["ranks"]["chi2_p"] > 0.001


def test_a_too_narrow_posterior_covers_little_and_its_ranks_are_not_uniform() -> None:
    cov = sbc.coverage(_toy_rows(1000, 0.3))["parameters"]
    assert cov["all"]["coverage"] < 0.5
    assert cov["all"]["coverage_hi"] < 0.8
    bins = cov["ranks"]["bins"]
    assert bins[0] + bins[-1] > 0.5 * sum(bins)  # the truth falls in the tails
    assert cov["ranks"]["chi2_p"] < 1e-6


def test_ranks_and_intervals() -> None:
    rng = np.random.default_rng(0)
    draws = np.arange(100.0)
    assert sbc.sbc_rank(-1.0, draws, rng) == 0
    assert sbc.sbc_rank(200.0, draws, rng) == 100
    assert sbc.sbc_rank(10.5, draws, rng) == 11
    assert sbc.sbc_rank(10.0, draws, rng) in (10, 11)  # a tie broken at random
    assert sbc.interval_inside(50.0, draws) and not sbc.interval_inside(99.0, draws)
    lo, hi = sbc.binomial_interval(18, 20)
    assert lo < 0.9 < hi and lo > 0.6 and hi < 1.0


def test_coverage_is_reported_per_item_and_per_output_method() -> None:
    rows = pd.concat([_toy_rows(50, 1.0).assign(item="a"),
                      _toy_rows(50, 1.0, seed=5).assign(item="c", contraction=0.5),
                      _toy_rows(50, 0.2, seed=4).assign(item="b", kind="output",
                                                        method="model")])  # fmt: skip
    cov = sbc.coverage(rows)
    assert set(cov) == {"parameters", "parameters_data_informed", "outputs_model"}
    assert list(cov["parameters"]["per_item"]) == ["a", "c"]
    assert list(cov["parameters_data_informed"]["per_item"]) == ["c"]
    assert cov["outputs_model"]["all"]["coverage"] < cov["parameters"]["all"]["coverage"]
    narrow = cov["outputs_model"]["all"]
    assert narrow["below"] + narrow["above"] == narrow["pairs"] - narrow["inside"]


@pytest.mark.slow
def test_a_synthetic_study_is_drawn_from_the_prior_with_its_truth() -> None:
    """One study at 1000 firms: valid true parameters, nuisances inside their priors'
    ranges, a value for every observation; the same seed draws the same study."""
    settings = sbc.reduced_settings(n_firms=1000)
    first = sbc.synthetic_studies(1, settings, seed=9, log=lambda _: None)[0]
    again = sbc.synthetic_studies(1, settings, seed=9, log=lambda _: None)[0]
    other = sbc.synthetic_studies(1, settings, seed=9, first=1, log=lambda _: None)[0]
    space = ParameterSpace.of(load_priors())
    truth = first.truth(space)
    assert np.allclose(space.to_z(first.x[None, :])[0], first.z, atol=1e-6)
    assert f"{NUISANCE_PREFIX}design_effect" in truth
    assert np.isfinite(first.study.observed).all()
    assert first.study.observed == again.study.observed
    assert first.study.observed != other.study.observed
    real = np.array(first.study.observed)
    kinds = np.array(first.study.kinds)
    statements = np.isin(kinds, ["bound", "ordering"])
    assert set(np.unique(real[statements])) <= {0.0, 1.0}


def test_a_refit_is_scored_on_its_sampled_parameters_nuisances_and_outputs() -> None:
    """score_refit on a stand-in fit: the truth at the posterior's centre is inside, a truth
    far in a tail is outside on its side; outputs are scored against the check runs and the
    emulator (with its error) where each has the quantity."""
    from types import SimpleNamespace

    from aiadopt.calibration.emulator import Emulator
    from aiadopt.calibration.priors import Prior

    space = ParameterSpace.of(load_priors())
    rng = np.random.default_rng(2)
    active = [0, 1]
    nuisance = Prior("design_effect", "lognormal", {"median": 1.3, "sigma": 0.2}, "", 1.0, 3.0)
    z_post = np.zeros((300, len(space.names)))
    z_post[:, active] = 0.1 * rng.standard_normal((300, 2))
    draws = pd.DataFrame(space.from_z(z_post), columns=list(space.names))
    draws[NUISANCE_PREFIX + "design_effect"] = rng.normal(1.3, 0.01, 300)
    names = ("engaged_share", "series:x", "other")
    z_design = rng.standard_normal((60, len(space.names)))
    values = np.column_stack([1 / (1 + np.exp(-z_design[:, 0])), np.full(60, 0.2),
                              np.full(60, 0.5)])  # fmt: skip
    emulator = Emulator.fit(z_design, values, np.zeros(3, bool), active, np.array([0, 1]))
    checks = pd.DataFrame({"draw": range(30), "engaged_share": rng.normal(0.5, 0.01, 30),
                           "series:x": rng.normal(0.2, 0.01, 30)})  # fmt: skip
    fit = SimpleNamespace(space=space, active_names=[space.names[j] for j in active],
                          nuisance=(nuisance,), draws=draws, checks=checks,
                          emulator=emulator)  # fmt: skip
    z_true = np.zeros(len(space.names))
    z_true[1] = 5.0  # far above the posterior of the second parameter
    study = sbc.SyntheticStudy(0, 1, z_true, space.from_z(z_true[None, :])[0], np.empty(0),
                               {"design_effect": 1.3}, names, np.array([0.5, 0.2, 0.5]),
                               None)  # type: ignore[arg-type]
    rows = sbc.score_refit(study, fit, ("engaged_share",)).set_index(["item", "method"])
    first, second = space.names[0], space.names[1]
    assert rows.loc[(first, "posterior"), "inside"]
    assert not rows.loc[(second, "posterior"), "inside"]
    assert rows.loc[(second, "posterior"), "side"] == "above"
    assert rows.loc[(second, "posterior"), "rank"] == 300
    assert rows.loc[(first, "posterior"), "contraction"] > 0.9
    assert rows.loc[(NUISANCE_PREFIX + "design_effect", "posterior"), "inside"]
    for item in ("engaged_share", "series:x"):
        for method in ("model", "emulator"):
            assert rows.loc[(item, method), "inside"], (item, method)
    assert "other" not in rows.index.get_level_values("item")
    check = sbc.emulator_at_truth(study, fit).set_index("quantity")
    assert list(check.index) == ["engaged_share", "series:x"]
    assert abs(check.loc["engaged_share", "z"]) < 3.0
