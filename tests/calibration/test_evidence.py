"""The likelihood v2 (``aiadopt.calibration.evidence``): each component against scipy, the
stage chain against the multinomial, vectorised against row by row, draws against their
moments, the cost of a weak statement, bad input and speed."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from scipy import stats

from aiadopt.calibration import evidence as ev
from aiadopt.calibration import survey
from aiadopt.calibration import targets as tg
from aiadopt.calibration.series import load_series

from .conftest import write_file


def _target(**fields) -> tg.Target:
    base = dict(figure="Figure 1", page=2, question="q", base_label="b", metric="stage_share",
                use="calibration", note="n")  # fmt: skip
    return tg.Target(**(base | fields))


@pytest.fixture(scope="module")
def study() -> ev.StudyData:
    return ev.StudyData.of_study()


@pytest.fixture(scope="module")
def names() -> tuple[str, ...]:
    return ev.quantity_names()


def _random_sets(lik: ev.Likelihood, m: int, seed: int) -> tuple[np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.05, 0.6, (m, len(lik.names)))
    gains = [j for j, n in enumerate(lik.names) if n.startswith("gain_")]
    values[:, gains] = rng.uniform(1.0, 10.0, (m, len(gains)))
    nuisance = {p.name: p.sample(rng, m) for p in lik.nuisance_priors()}
    return values, nuisance


# --- components against scipy -------------------------------------------------------------------


def test_beta_binomial_equals_scipy_for_whole_counts() -> None:
    k, n = np.array([3.0, 10.0, 0.0, 40.0]), np.array([20.0, 10.0, 7.0, 124.0])
    q = np.array([0.2, 0.7, 0.1, 0.35])
    extra = np.array([0.002, 0.01, 0.0005, 0.0003])
    got = ev.beta_binomial_loglik(k, n, q, extra)
    rho = extra / (q * (1 - q)) * n / (n - 1)
    phi = 1 / rho - 1
    want = stats.betabinom.logpmf(k, n, q * phi, (1 - q) * phi)
    np.testing.assert_allclose(got, want, rtol=1e-9)
    binom = ev.beta_binomial_loglik(k, n, q, np.zeros(4))
    np.testing.assert_allclose(binom, stats.binom.logpmf(k, n, q), rtol=1e-12)


def test_beta_binomial_share_variance_is_binomial_plus_model_noise() -> None:
    n, q, extra = 60.0, 0.3, 0.002
    k = np.arange(61.0)
    p = np.exp(ev.beta_binomial_loglik(k, np.full(61, n), np.full(61, q), np.full(61, extra)))
    share = k / n
    assert p.sum() == pytest.approx(1.0, abs=1e-9)
    assert (p * share).sum() == pytest.approx(q, abs=1e-9)
    var = (p * (share - q) ** 2).sum()
    assert var == pytest.approx(q * (1 - q) / n + extra, rel=1e-6)


def test_bound_is_the_binomial_tail_for_whole_counts() -> None:
    n, q = np.array([20.0, 20.0, 124.0]), np.array([0.3, 0.6, 0.1])
    v = np.array([0.5, 0.5, 5 / 124])
    lower = ev.binomial_tail_logprob(v, n, q, np.ones(3, bool))
    np.testing.assert_allclose(lower, stats.binom.logsf(v * n - 1, n, q), rtol=1e-9)
    upper = ev.binomial_tail_logprob(v, n, q, np.zeros(3, bool))
    np.testing.assert_allclose(upper, stats.binom.logcdf(v * n, n, q), rtol=1e-9)
    not_lower = ev.binomial_tail_logprob(v, n, q, np.ones(3, bool), False)
    np.testing.assert_allclose(not_lower, stats.binom.logcdf(v * n - 1, n, q), rtol=1e-9)
    not_upper = ev.binomial_tail_logprob(v, n, q, np.zeros(3, bool), False)
    np.testing.assert_allclose(not_upper, stats.binom.logsf(v * n, n, q), rtol=1e-9)


def test_a_statement_observed_false_scores_the_complement() -> None:
    t = _target(id="b", kind="bound", group="all", category="experimenting", value=0.5,
                bound="lower", text="x", base_n_assumed=40)  # fmt: skip
    data = ev.StudyData.of_study([t], series=_no_series())
    lik = ev.Likelihood(data, ("b",))
    nu = {"design_effect": 1.0}
    true = lik.logliks(np.array([[0.4]]), 0.0, nu)[0, 0]
    false = ev.Likelihood(data.with_observed([0.0]), ("b",)).logliks(np.array([[0.4]]), 0.0, nu)
    assert np.exp(true) + np.exp(false[0, 0]) == pytest.approx(1.0, abs=1e-12)


def test_ordering_is_a_normal_tail_on_both_sides_bases() -> None:
    t = _target(id="o", kind="ordering", greater="stage_share:deployed@size_500_plus",
                lesser="stage_share:deployed@size_100_249", text="x", base_n_greater=50,
                base_n_lesser=100)  # fmt: skip
    data = ev.StudyData.of_study([t], series=_no_series())
    lik = ev.Likelihood(data, ev.quantity_names([t], _no_series()))
    qg, ql, deff = 0.2, 0.25, 1.25
    got = lik.logliks(np.array([[qg, ql]]), np.array([0.001, 0.002]), {"design_effect": deff})
    sd = np.sqrt(qg * (1 - qg) / (50 / deff) + 0.001 + ql * (1 - ql) / (100 / deff) + 0.002)
    assert got[0, 0] == pytest.approx(stats.norm.logcdf((qg - ql) / sd), rel=1e-12)


def test_mean_is_normal_with_the_plugin_standard_error(study, names) -> None:
    lik = ev.Likelihood(study, names)
    values, nuisance = _random_sets(lik, 3, 4)
    col = lik.ids.index("gain_realised_productivity")
    j = names.index("gain_realised_productivity")
    got = lik.logliks(values, 0.5, nuisance)[:, col]
    t = next(t for t in tg.load_targets() if t.id == "gain_realised_productivity")
    se = np.sqrt((t.value / 1.0) ** 2 / (t.n / nuisance["design_effect"]) + 0.5)
    np.testing.assert_allclose(got, stats.norm.logpdf(t.value, values[:, j], se), rtol=1e-12)


# --- the stage chain -----------------------------------------------------------------------------


def test_conditional_stage_binomials_equal_the_multinomial() -> None:
    """Whole counts: 200 firms, 90 engaged, 50 active, 20 in place."""
    counts = np.array([110, 40, 30, 20])
    n = counts.sum()
    shares = {"engaged_share": 90 / n, "in_place_or_in_progress_share": 50 / n,
              "in_place_share": 20 / n}  # fmt: skip
    pool = [
        _target(id="engaged_share", kind="proportion", group="all", value=shares["engaged_share"],
                category="planned+experimenting+deployed+scaled", base_n=200),
        _target(id="in_place_or_in_progress_share", kind="proportion", group="all",
                value=shares["in_place_or_in_progress_share"],
                category="experimenting+deployed+scaled", base_n=200),
        _target(id="in_place_share", kind="proportion", group="all",
                value=shares["in_place_share"], category="deployed+scaled", base_n=200),
        _target(id="x_engaged", kind="proportion", group="engaged", value=0.5,
                category="deployed", base_n=90),
        _target(id="x_active", kind="proportion", group="in_place_or_in_progress", value=0.5,
                category="deployed", base_n=50),
    ]  # fmt: skip
    data = ev.StudyData.of_study(pool, series=_no_series())
    assert data.kinds[:3] == ("proportion", "conditional", "conditional")
    assert [b[0] for b in data.bases[:3]] == [200.0, 90.0, 50.0]
    lik = ev.Likelihood(data, ev.quantity_names(pool, _no_series()))
    model = np.array([0.55, 0.3, 0.12])  # engaged, active, in place: shares of all
    values = np.array([[*model, 0.5, 0.5]])
    got = lik.logliks(values, 0.0, {"design_effect": 1.0})[0, :3].sum()
    got -= np.log([200.0, 90.0, 50.0]).sum()  # densities of shares: counts' pmf x trials
    probs = [1 - model[0], model[0] - model[1], model[1] - model[2], model[2]]
    assert got == pytest.approx(stats.multinomial.logpmf(counts, n, probs), rel=1e-10)


def test_conditional_share_variance_is_the_conditional_binomials() -> None:
    a, e, n = np.array([0.3]), np.array([0.5]), 400.0
    r, var = ev.conditional_share(a, e, a * (1 - a) / n, e * (1 - e) / n)
    assert r[0] == pytest.approx(0.6)
    assert var[0] == pytest.approx(0.6 * 0.4 / (0.5 * n), rel=1e-12)


# --- vectorised, draws ---------------------------------------------------------------------------


def test_vectorised_equals_row_by_row(study, names) -> None:
    lik = ev.Likelihood(study, names, use=None)
    values, nuisance = _random_sets(lik, 7, 1)
    sim_var = lik.model_noise_var(values, 300)
    sim_var[2] = 0.0
    whole = lik.logliks(values, sim_var, nuisance)
    for i in range(7):
        row = lik.logliks(values[i], sim_var[i], {k: float(v[i]) for k, v in nuisance.items()})
        np.testing.assert_allclose(whole[i], row[0], rtol=1e-12)
    assert np.all(np.isfinite(whole))
    assert lik.total(values, sim_var, nuisance) == pytest.approx(whole.sum(axis=1))


def test_a_set_that_cannot_answer_a_scored_observation_is_impossible(study, names) -> None:
    cal = ev.Likelihood(study, names, "calibration")
    values, nuisance = _random_sets(cal, 3, 8)
    values[0, names.index("in_place_share")] = np.nan  # read by a calibration conditional
    values[1, names.index("deployed_view_business")] = np.nan  # a validation target only
    total = cal.total(values, 0.0, nuisance)
    assert total[0] == -np.inf
    assert np.isfinite(total[1:]).all()
    ll = cal.logliks(values, 0.0, nuisance)
    assert np.isnan(ll[0, cal.ids.index("in_place_share|in_place_or_in_progress_share")])
    assert np.isfinite(np.delete(ll[0], cal.ids.index(
        "in_place_share|in_place_or_in_progress_share"))).all()


def test_series_rows_follow_their_measurement_model(study, names) -> None:
    lik = ev.Likelihood(study, names)
    values, nuisance = _random_sets(lik, 4, 9)
    spec = load_series()
    m = next(m for m in spec.measurements if m.link == "any_ai_scaled")
    col, j = lik.ids.index(f"series:{m.id}"), names.index(f"series:{m.id}")
    got = lik.logliks(values, 0.0, nuisance)[:, col]
    b, r = (nuisance[n] for n in m.nuisance)
    pred = b + (1 - b) * r * values[:, j]
    k = round(m.observed * m.n_eff)
    assert k == pytest.approx(m.observed * m.n_eff, abs=1e-9)  # whole counts in the shipped rows
    want = stats.binom.logpmf(k, m.n_eff, pred) + np.log(m.n_eff)  # density of the share
    np.testing.assert_allclose(got, want, rtol=1e-8)


def test_targets_the_model_cannot_speak_to_are_left_out(study) -> None:
    left_out = [t.id for t in tg.load_targets() if t.kind != "ordering" and any(
        f"{t.metric}:{c}" in survey.NOT_MODELLED for c in t.categories)]  # fmt: skip
    assert left_out
    assert not set(left_out) & set(study.ids)


def test_uses_split_the_observations(study, names) -> None:
    cal = ev.Likelihood(study, names, "calibration")
    val = ev.Likelihood(study, names, "validation")
    assert set(cal.ids).isdisjoint(val.ids)
    assert cal.n_obs + val.n_obs == study.n_obs
    assert not any(i.startswith("series:") for i in val.ids)
    assert "design_effect" in cal.nuisance_names


def test_draw_moments_of_a_proportion(study, names) -> None:
    lik = ev.Likelihood(study, names)
    rng = np.random.default_rng(2026)
    values = np.full(len(names), 0.3)
    gains = [j for j, n in enumerate(names) if n.startswith("gain_")]
    values[gains] = 5.0
    sim_var = np.full(len(names), 0.001)
    nuisance = {p.name: float(p.frozen().median()) for p in lik.nuisance_priors()}
    m = 20000
    drawn = lik.predictive(np.tile(values, (m, 1)), sim_var, nuisance, rng)
    col = lik.ids.index("agentic_awareness_engaged")  # 124 raw
    n_eff = np.rint(124 / nuisance["design_effect"])
    x = drawn[:, col]
    assert x.mean() == pytest.approx(0.3, abs=4 * np.sqrt(x.var() / m))
    want = 0.3 * 0.7 / n_eff + 0.001
    assert x.var() == pytest.approx(want, rel=0.05)
    mean_col = lik.ids.index("gain_expected_productivity")
    assert drawn[:, mean_col].mean() == pytest.approx(5.0, abs=0.05)
    study_one = lik.draw(values, sim_var, nuisance, rng)
    assert study_one.n_obs == study.n_obs
    assert set(np.unique([study_one.observed[i] for i, k in enumerate(study.kinds)
                          if k in ("bound", "ordering")])) <= {0.0, 1.0}  # fmt: skip


def test_statements_drawn_with_the_likelihood_probability(study, names) -> None:
    lik = ev.Likelihood(study, names)
    rng = np.random.default_rng(7)
    values = np.full((4000, len(names)), 0.3)
    nuisance = {p.name: float(p.frozen().median()) for p in lik.nuisance_priors()}
    drawn = lik.predictive(values, 0.0, nuisance, rng)
    col = lik.ids.index("non_collaborative_mostly_in_progress")
    p = np.exp(lik.logliks(values[:1], 0.0, nuisance)[0, col])
    assert drawn[:, col].mean() == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / 4000))


# --- the weak statement of issue 13 --------------------------------------------------------------


def test_non_collaborative_statement_costs_what_its_binomial_says(study, names) -> None:
    """v1's hinge gave deviance 104 at a model share 0.3; on ~19 respondents it is a few."""
    lik = ev.Likelihood(study, names)
    col = lik.ids.index("non_collaborative_mostly_in_progress")
    values = np.full((1, len(names)), 0.3)
    dev = lik.deviance(values, 0.0, {p.name: 1.3 for p in lik.nuisance_priors()})[0, col]
    assert 2.0 < dev < 6.0
    worse = lik.deviance(np.full((1, len(names)), 0.1), 0.0,
                         {p.name: 1.3 for p in lik.nuisance_priors()})[0, col]  # fmt: skip
    assert dev < worse < 30.0


def test_saturated_is_the_best_a_model_can_do(study, names) -> None:
    lik = ev.Likelihood(study, names)
    values, nuisance = _random_sets(lik, 50, 3)
    dev = lik.deviance(values, 0.0, nuisance)
    assert np.all(dev >= -1e-9)


# --- bad input ---------------------------------------------------------------------------------


def _no_series():
    spec = load_series()
    return dataclasses.replace(spec, measurements=())


GOOD = """\
[[nuisance]]
name = "design_effect"
family = "lognormal"
median = 1.3
sigma = 0.2
lower = 1.0
upper = 3.0
source = "judgement"
"""


def test_nuisance_file_loads_with_bounds(tmp_path) -> None:
    prior = ev.load_nuisance(write_file(tmp_path, GOOD, "e.toml"))["design_effect"]
    assert (prior.low, prior.high) == (1.0, 3.0)
    assert ev.load_nuisance()["design_effect"].frozen().median() == pytest.approx(1.3)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (GOOD.replace("sigma = 0.2", "sigma = 0.2\nspread = 1"), "spread"),
        (GOOD.replace('"design_effect"', '"deff"'), "name"),
        (GOOD.replace("sigma = 0.2", 'sigma = "wide"'), "sigma"),
        (GOOD.replace('"lognormal"', '"dirichlet"'), "family"),
        (GOOD.replace('source = "judgement"\n', ""), "source"),
        (GOOD.replace("lower = 1.0", "lower = 2.0").replace("upper = 3.0", "upper = 1.5"),
         "lower"),
        (GOOD.replace("[[nuisance]]", "[[nuisanse]]"), "nuisanse"),
    ],
)  # fmt: skip
def test_bad_nuisance_file_names_file_and_key(tmp_path, text, key) -> None:
    path = write_file(tmp_path, text, "evidence.toml")
    with pytest.raises(ev.EvidenceError) as info:
        ev.load_nuisance(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert repr(key) in message


def test_missing_quantity_or_nuisance_is_refused(study, names) -> None:
    with pytest.raises(ev.EvidenceError, match="quantity_names"):
        ev.Likelihood(study, names[1:])
    lik = ev.Likelihood(study, names)
    with pytest.raises(ev.EvidenceError, match="design_effect"):
        lik.logliks(np.full((1, len(names)), 0.3), 0.0, {})
    with pytest.raises(ev.EvidenceError, match="sim_var"):
        lik.logliks(np.full((1, len(names)), 0.3), -1.0,
                    {p.name: 1.3 for p in lik.nuisance_priors()})  # fmt: skip


def test_model_noise_needs_every_group_size(study, names) -> None:
    lik = ev.Likelihood(study, names)
    values = np.full((2, len(names)), 0.4)
    group_n = np.full(len(names), 200.0)
    noise = lik.model_noise_var(values, group_n)
    j = names.index("engaged_share")
    assert noise[0, j] == pytest.approx(0.4 * 0.6 / 200)
    k = names.index("gain_expected_productivity")
    assert noise[1, k] == pytest.approx((study.mean_cv * 0.4) ** 2 / 200)
    group_n[names.index("leaders_combine_factors:greater")] = np.nan
    with pytest.raises(ev.EvidenceError, match="leaders_combine_factors:greater"):
        lik.model_noise_var(values, group_n)


def test_a_statement_without_a_base_is_refused() -> None:
    t = _target(id="b", kind="bound", group="all", category="experimenting", value=0.5,
                bound="lower", text="x")  # fmt: skip
    with pytest.raises(ev.EvidenceError, match=r"'b'.*base_n"):
        ev.StudyData.of_study([t], series=_no_series())


def test_every_statement_of_the_study_is_scored_on_its_bases(study) -> None:
    statements = [t for t in tg.load_targets() if t.kind in ("bound", "ordering")]
    for t in statements:
        bases = study.bases[study.ids.index(t.id)]
        assert len(bases) == (2 if t.kind == "ordering" else 1), t.id
        assert all(1 <= b <= 231 for b in bases), t.id


# --- speed ---------------------------------------------------------------------------------------


def test_five_hundred_sets_are_fast(study, names) -> None:
    lik = ev.Likelihood(study, names)
    values, nuisance = _random_sets(lik, 500, 5)
    sim_var = lik.model_noise_var(values, 500)
    lik.total(values, sim_var, nuisance)
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        lik.total(values, sim_var, nuisance)
        best = min(best, time.perf_counter() - start)
    assert best < 0.05


def test_the_design_effect_is_recovered_from_shares_drawn_with_it() -> None:
    """Shares drawn by the likelihood's own measurement at a design effect of 1.6 (60
    proportions on bases of 300) are best explained, over a grid of design effects, near
    1.6: the share's log-likelihood is a density of the observed share (the Jacobian of
    k = p n), so fewer trials are not favoured for themselves.  Without the Jacobian the
    profile ran to the grid's end (found by simulation-based calibration, issue 13)."""
    k = 60
    data = ev.StudyData(
        ids=tuple(f"p{i}" for i in range(k)), kinds=("proportion",) * k,
        observed=(0.5,) * k, bases=((300.0,),) * k, uses=("calibration",) * k,
        quantities=tuple((f"p{i}",) for i in range(k)), thresholds=(None,) * k,
        sides=(None,) * k, measurements=(None,) * k, mean_cv=1.0,
        nuisance={"design_effect": ev.load_nuisance()["design_effect"]},
    )  # fmt: skip
    names = data.ids
    lik = ev.Likelihood(data, names)
    rng = np.random.default_rng(11)
    q = rng.uniform(0.1, 0.6, k)
    grid = np.linspace(1.0, 3.0, 41)
    best = []
    for _ in range(20):
        drawn = lik.draw(q, 0.0, {"design_effect": 1.6}, rng)
        ll = ev.Likelihood(drawn, names).total(np.tile(q, (len(grid), 1)), 0.0,
                                               {"design_effect": grid})  # fmt: skip
        best.append(grid[np.argmax(ll)])
    assert 1.35 < np.mean(best) < 1.85
