"""Likelihood components against scipy.stats, and the deviance's meaning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aiadopt.calibration import likelihood as lk
from aiadopt.calibration.targets import load_targets


@pytest.mark.parametrize(("k", "n", "q"), [(0, 10, 0.3), (7, 20, 0.4), (56, 124, 0.48)])
def test_binomial_matches_scipy(k, n, q):
    assert lk.binomial_loglik(k / n, n, q) == pytest.approx(stats.binom.logpmf(k, n, q))


@pytest.mark.parametrize(("k", "n", "q", "phi"), [(3, 10, 0.3, 5.0), (60, 124, 0.5, 50.0)])
def test_beta_binomial_matches_scipy(k, n, q, phi):
    got = lk.beta_binomial_loglik(k / n, n, q, phi)
    assert got == pytest.approx(stats.betabinom.logpmf(k, n, q * phi, (1 - q) * phi))


def test_beta_binomial_tends_to_binomial():
    assert lk.beta_binomial_loglik(0.3, 50, 0.35, 1e7) == pytest.approx(
        lk.binomial_loglik(0.3, 50, 0.35), rel=1e-4
    )


def test_dirichlet_multinomial_matches_scipy():
    counts = np.array([52, 19, 14, 15])
    probs = np.array([0.5, 0.2, 0.15, 0.15])
    got = lk.dirichlet_multinomial_loglik(counts, probs, 40.0)
    want = stats.dirichlet_multinomial.logpmf(counts, probs * 40.0, counts.sum())
    assert got == pytest.approx(want)


def test_normal_matches_scipy():
    assert lk.normal_loglik(7.6, 6.0, 0.8) == pytest.approx(stats.norm.logpdf(7.6, 6.0, 0.8))


def test_hinge_is_zero_when_statement_holds():
    assert lk.hinge_penalty(-0.1) == 0.0
    assert lk.hinge_penalty(0.02) == pytest.approx(-0.5)


def _perfect_answers(targets):
    rows = []
    for t in targets:
        value = t.value if t.kind != "ordering" else 0.1
        rows.append({"id": t.id, "value": value})
    return pd.DataFrame(rows)


def test_deviance_zero_at_the_study_and_larger_away_from_it():
    targets = load_targets()
    perfect = _perfect_answers(targets)
    assert lk.deviance(perfect, targets) == pytest.approx(0.0, abs=1e-8)
    worse = perfect.copy()
    worse.loc[worse.id == "obstacle_security_engaged", "value"] = 0.5
    far = perfect.copy()
    far.loc[far.id == "obstacle_security_engaged", "value"] = 0.3
    assert 0 < lk.deviance(worse, targets) < lk.deviance(far, targets)


def test_validation_targets_never_enter():
    targets = load_targets()
    answers = _perfect_answers(targets)
    answers.loc[answers.id == "deployed_view_business", "value"] = 0.9
    assert lk.deviance(answers, targets) == pytest.approx(0.0, abs=1e-8)
    comps = lk.component_logliks(answers, targets)
    validation = {t.id for t in targets if t.use == "validation"}
    assert not validation & set(comps.id)


def test_stage_distribution_replaces_the_three_nested_shares():
    targets = load_targets()
    comps = lk.component_logliks(_perfect_answers(targets), targets)
    assert "stage_distribution" in set(comps.id)
    assert not set(lk.STAGE_TARGETS) & set(comps.id)


def test_weights_drop_or_scale_targets():
    targets = load_targets()
    answers = _perfect_answers(targets)
    answers.loc[answers.id == "strategy_tripartite", "value"] = 0.3
    base = lk.deviance(answers, targets)
    doubled = lk.deviance(
        answers, targets, lk.LikelihoodSettings(weights={"strategy_tripartite": 2})
    )
    dropped = lk.deviance(
        answers, targets, lk.LikelihoodSettings(weights={"strategy_tripartite": 0})
    )
    assert doubled == pytest.approx(2 * base)
    assert dropped == pytest.approx(0.0, abs=1e-8)
