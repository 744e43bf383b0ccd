"""The adoption model: invariants, determinism, meaning through extremes, Bass diffusion."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from aiadopt.model import AdoptionModel, Params, Stage
from aiadopt.model.params import shipped_params
from aiadopt.model.rules.engagement import bass_closed_form, bass_month_probability
from aiadopt.model.stages import Collaboration, Strategy


def stage_table(frame: pd.DataFrame, group: str = "all") -> pd.DataFrame:
    rows = frame[frame.metric.str.startswith("stage_share.") & (frame.group == group)]
    return rows.pivot(index="date", columns="metric", values="value")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_invariants(seed):
    params = Params(n_firms=1_500)
    with AdoptionModel(params, seed=seed) as model:
        n0 = model.state.n
        while model.running:
            model.step()
            assert model.state.n == n0 == len(model.firms)
            assert np.isin(model.state.stage, list(Stage)).all()
        frame = model.tidy()
    assert model.steps == 97  # 2022-11 to 2030-12
    for group in ("all", "size:100_249", "size:250_499", "size:500_plus"):
        shares = stage_table(frame, group)
        assert np.allclose(shares.sum(axis=1), 1.0)
    shares = frame[frame.metric.str.contains("share|prevalence|view|awareness")].value.dropna()
    assert ((shares >= 0) & (shares <= 1)).all()


def test_dates_run_monthly_from_chatgpt_to_horizon(small_run):
    dates = pd.DatetimeIndex(sorted(small_run.date.unique()))
    assert dates[0] == pd.Timestamp("2022-11-01") and dates[-1] == pd.Timestamp("2030-12-01")
    assert len(dates) == 98
    assert list(small_run.columns) == ["date", "metric", "group", "value"]


def test_same_seed_same_frame_different_seed_different_frame():
    params = Params(n_firms=1_000, horizon="2026-06")
    a = AdoptionModel(params, seed=5).run().tidy()
    b = AdoptionModel(params, seed=5).run().tidy()
    c = AdoptionModel(params, seed=6).run().tidy()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_no_global_random_state_used():
    params = Params(n_firms=500, horizon="2024-06")
    np.random.seed(1)
    a = AdoptionModel(params, seed=3).run().tidy()
    np.random.seed(999)
    b = AdoptionModel(params, seed=3).run().tidy()
    pd.testing.assert_frame_equal(a, b)


def test_zero_engagement_hazard_keeps_everyone_out():
    params = Params(n_firms=1_000, bass_p=0.0, bass_q=0.0)
    with AdoptionModel(params, seed=1) as model:
        model.run()
        assert (model.state.stage == Stage.NOT_ENGAGED).all()


def _scaled_at_horizon(params: Params, seeds=range(3)) -> float:
    out = []
    for seed in seeds:
        with AdoptionModel(params, seed=seed, collect=False) as model:
            model.run()
            out.append(np.mean(model.state.stage == Stage.SCALED))
    return float(np.mean(out))


ALL_CHOICES = (10.0,) * 7
NO_CHOICE = (-10.0,) * 7


def test_success_factors_on_and_obstacles_off_scale_more():
    """Direction makes every choice (logit intercepts at +10), the roles align, no
    difficulties and no obstacles: more firms scale than with no choice at all."""
    base = Params(n_firms=2_000, horizon="2027-12", choice_intercept=NO_CHOICE)
    helped = base.replace(
        engage_obstacle_weights=(0, 0, 0, 0, 0),
        progress_obstacle_weights=(0, 0, 0, 0, 0),
        discovery=(0, 0, 0, 0, 0),
        choice_intercept=ALL_CHOICES,
        manager_pair_intercept=10.0,
        alignment_intercept=10.0,
        difficulty_initial=(0, 0, 0),
    )
    assert _scaled_at_horizon(helped) > _scaled_at_horizon(base) + 0.05


def test_tripartite_strategy_helps_scaling():
    base = Params(n_firms=2_000, horizon="2027-12")
    intercepts = list(base.choice_intercept)
    intercepts[0] = -10.0
    none = base.replace(choice_intercept=tuple(intercepts))
    intercepts[0] = 10.0
    tri = base.replace(choice_intercept=tuple(intercepts))
    assert _scaled_at_horizon(tri) > _scaled_at_horizon(none)


@pytest.mark.parametrize(("p", "q"), [(0.01, 0.1), (0.02, 0.2)])
def test_pure_diffusion_follows_bass_closed_form(p, q):
    """Obstacles, size effects and giving up off, everyone in the market (its intercept at
    10: all but 1 in 20,000 firms), one population-wide imitation pool: the engaged share
    follows F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    params = Params(
        n_firms=50_000,
        horizon="2026-12",
        bass_p=p,
        bass_q=q,
        peer_pool="population",
        engage_size_effect=(0, 0, 0),
        engage_obstacle_weights=(0, 0, 0, 0, 0),
        give_up_hazard=0.0,
        market_intercept=10.0,
        market_size_effect=(0, 0, 0),
        market_sector_effect=(0, 0, 0),
        market_utility_effect=0.0,
    )
    with AdoptionModel(params, seed=2024, collect=False) as model:
        engaged = []
        while model.running:
            model.step()
            engaged.append(np.mean(model.state.stage >= Stage.PLANNED))
    months = np.arange(1, len(engaged) + 1)
    gap = np.abs(np.asarray(engaged) - bass_closed_form(months, p, q))
    assert gap.max() < 0.015, f"largest gap {gap.max():.4f} at month {gap.argmax() + 1}"


def test_bass_month_probability_is_the_exact_flow():
    p, q = 0.01, 0.1
    f = np.array([0.0])
    for t in range(1, 60):
        f = f + (1 - f) * bass_month_probability(f, p, q)
        assert f[0] == pytest.approx(bass_closed_form(t, p, q), abs=1e-12)


def test_firms_expose_three_role_agents(small_params):
    with AdoptionModel(small_params, seed=4) as model:
        model.run("2025-03")
        firm = model.firms[7]
        assert isinstance(firm, mesa.Agent)
        assert 0.0 <= firm.technique.skills <= 1.0
        assert isinstance(firm.direction.strategy, Strategy)
        assert isinstance(firm.business.shadow_ai, bool)
        assert set(firm.technique.interest) == {
            "content", "personalisation", "customer_knowledge", "roi_measurement",
            "test_automation", "infrastructure",
        }  # fmt: skip
        # writing through an agent changes the arrays the rules use
        firm.technique.skills = 0.9
        assert model.state.skills[7] == pytest.approx(0.9)
        # the agents' view of "deployed" matches the vectorised rule
        engaged = [f for f in model.firms if f.stage >= Stage.EXPERIMENTING][:50]
        for f in engaged:
            assert f.technique.sees_deployed == (f.stage >= Stage.DEPLOYED)
            if f.technique.sees_deployed:
                assert f.business.sees_deployed
        assert isinstance(firm.collaboration, Collaboration)
        assert "technique" in repr(firm.technique).lower() or "skills" in repr(firm.technique)


def test_business_sees_more_deployment_than_technique(small_run):
    at = small_run[small_run.date == "2025-03-01"].set_index(["metric", "group"]).value
    assert at[("deployed_view.business", "all")] >= at[("deployed_view.technique", "all")]


def test_obstacles_rise_once_engaged(small_run):
    at = small_run[small_run.date == "2025-03-01"].set_index(["metric", "group"]).value
    for obstacle in ("security", "regulation", "finance"):
        engaged = at[(f"obstacle_prevalence.{obstacle}", "engaged")]
        not_engaged = at[(f"obstacle_prevalence.{obstacle}", "not_engaged")]
        assert engaged > not_engaged, obstacle


def test_realised_gains_only_from_deployed_use_cases():
    params = Params(n_firms=1_000, complete_development=0.0, pilot_gain_share=0.0)
    with AdoptionModel(params, seed=1) as model:
        model.run()
        assert (model.state.stage < Stage.DEPLOYED).all()
        # only Business's own tools (shadow AI) yield anything, and only to productivity
        # (a firm whose teams started this month gains from next month)
        realised, shadow = model.state.realised, model.state.shadow_ai
        assert np.all(realised[~shadow] == 0) and np.all(realised[:, 1:] == 0)
        assert np.isin(realised[shadow, 0], [0.0, np.float32(params.shadow_gain)]).all()
        assert (realised[shadow, 0] > 0).any()


def test_runs_under_mesa_batch_run():
    results = mesa.batch_run(
        AdoptionModel,
        parameters={"n_firms": 300, "horizon": "2023-06", "seed": [1, 2]},
        iterations=1,
        max_steps=20,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 2
    assert all(0 <= r["engaged_share"] <= 1 for r in results)


def test_close_releases_mesa_registry():
    model = AdoptionModel(Params(n_firms=200, horizon="2023-01"), seed=1)
    model.run()
    model.close()
    assert model not in mesa.Agent._ids
    assert model.firms == []


def test_memory_stays_flat_over_many_runs():
    """mesa#3179: Agent._ids keeps every model alive unless released; close() releases it."""
    import gc
    import tracemalloc

    params = Params(n_firms=2_000, horizon="2023-03")

    def one_run() -> None:
        with AdoptionModel(params, seed=1) as model:
            model.run()
            model.tidy()

    one_run()
    gc.collect()
    tracemalloc.start()
    for _ in range(5):
        one_run()
    gc.collect()
    after_5 = tracemalloc.get_traced_memory()[0]
    for _ in range(20):
        one_run()
    gc.collect()
    after_25 = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # one 2,000-firm model holds well over 1 MB: 20 leaked runs would show
    assert after_25 - after_5 < 500_000, (after_5, after_25)


def test_a_model_given_no_parameters_uses_the_shipped_fit_and_says_so():
    shipped, source = shipped_params()
    with AdoptionModel(seed=1, n_firms=100, horizon="2023-01") as model:
        assert model.params == shipped.replace(n_firms=100, horizon="2023-01")
        assert model.params_source.startswith(source) and "n_firms" in model.params_source
    with AdoptionModel(Params(n_firms=50), seed=1) as model:
        assert model.params == Params(n_firms=50)
        assert "given" in model.params_source


def test_batch_run_starts_from_the_shipped_fit(monkeypatch):
    shipped, _ = shipped_params()
    seen = []
    build = AdoptionModel.__init__

    def recording(self, *args, **kwargs):
        build(self, *args, **kwargs)
        seen.append(self.params)

    monkeypatch.setattr(AdoptionModel, "__init__", recording)
    parameters = {"n_firms": 50, "horizon": "2023-01", "seed": 1}
    mesa.batch_run(AdoptionModel, parameters=parameters, iterations=1, max_steps=1,
                   number_processes=1, display_progress=False)  # fmt: skip
    assert seen and seen[0] == shipped.replace(n_firms=50, horizon="2023-01")
