"""Replicates: seeds from one root, parameter draws, and common random numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from aiadopt.experiments import Scenario, execute_experiment, load_manifest, plan_experiment
from aiadopt.experiments.seeds import parameter_source, replicate_seed, replicate_seeds
from aiadopt.model import Params
from aiadopt.model.interventions import Intervention
from aiadopt.model.params import shipped_params

START = "2025-06"  # the intervention's first month


def test_replicate_seeds_come_from_one_root_and_do_not_depend_on_their_number() -> None:
    seeds = replicate_seeds(42, 6)
    assert len(set(seeds)) == 6
    assert replicate_seeds(42, 3) == seeds[:3]
    assert [replicate_seed(42, k) for k in range(6)] == seeds
    assert replicate_seeds(43, 3) != seeds[:3]
    children = np.random.SeedSequence(42).spawn(2)
    assert seeds[1] == int(children[1].generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert all(0 <= s < 2**63 for s in seeds)


def test_parameter_draws_cover_the_set_and_are_stable() -> None:
    vectors = [Params(bass_p=0.004 + 0.001 * i) for i in range(5)]
    source = parameter_source(vectors)
    draws = [source.draw(7, k)[1] for k in range(10)]
    assert sorted(draws[:5]) == [0, 1, 2, 3, 4]  # without replacement up to the set's size
    assert draws[5:] == draws[:5]  # then every vector equally often
    assert source.draw(7, 3) == source.draw(7, 3)
    point = parameter_source("none")
    assert not point.is_set and point.draw(7, 3)[1] is None


@pytest.fixture(scope="module")
def crn_experiment(tmp_path_factory: pytest.TempPathFactory):
    """Baseline and a scenario whose intervention starts in 2025-06, 8 paired replicates, with
    parameter uncertainty (three vectors)."""
    out = tmp_path_factory.mktemp("crn") / "out"
    late = Scenario(
        "late_strategy",
        interventions=(Intervention("tripartite_strategy", START, share=0.8),),
    )
    vectors = [Params(bass_p=p) for p in (0.005, 0.006, 0.007)]
    return execute_experiment(
        ["baseline", late],
        replicates=8,
        workers=1,
        seed=5,
        firms=400,
        until="2027-12",
        out=out,
        progress=False,
        metrics="all",
        parameter_set=vectors,
    )


def test_replicate_k_shares_its_draws_until_the_intervention_starts(crn_experiment) -> None:
    res = crn_experiment.results
    key = ["replicate", "date", "metric", "group"]
    base = res[res["scenario"] == "baseline"].set_index(key)["value"]
    late = res[res["scenario"] == "late_strategy"].set_index(key)["value"]
    assert base.index.equals(late.index)
    dates = base.index.get_level_values("date")
    before = dates < pd.Timestamp(f"{START}-01")
    # identical trajectories, bit for bit, before the intervention starts ...
    np.testing.assert_array_equal(base[before].to_numpy(), late[before].to_numpy())
    # ... and different from its first month on, in every replicate
    after = ~before
    for k in range(8):
        rk = base.index.get_level_values("replicate") == k
        assert not np.array_equal(
            base[after & rk].to_numpy(), late[after & rk].to_numpy(), equal_nan=True
        )


def test_replicate_k_has_the_same_seed_and_parameters_in_every_scenario(crn_experiment) -> None:
    runs = pd.read_csv(crn_experiment.out / "runs.csv")
    assert (runs["status"] == "done").all()
    by = {name: g.set_index("replicate") for name, g in runs.groupby("scenario")}
    for col in ("seed", "param_draw", "param_hash"):
        assert by["baseline"][col].equals(by["late_strategy"][col])
    assert sorted(by["baseline"]["param_draw"].unique()) == [0, 1, 2]
    manifest = load_manifest(crn_experiment.out)
    assert "3 parameter vectors" in manifest["params_source"]
    res = crn_experiment.results
    seeds = res.groupby(["scenario", "replicate"], observed=True)["seed"].first().unstack(0)
    assert (seeds["baseline"] == seeds["late_strategy"]).all()
    assert list(seeds["baseline"]) == replicate_seeds(5, 8)


def test_paired_intervals_are_narrower_than_unpaired_ones(crn_experiment) -> None:
    summary = crn_experiment.summary
    rows = summary[summary["scenario"] == "late_strategy"]
    assert len(rows) == 2  # two indicators at 2027-12 (the horizon here)
    for r in rows.itertuples():
        paired = r.diff_ci_high - r.diff_ci_low
        unpaired = r.unpaired_ci_high - r.unpaired_ci_low
        assert r.n_pairs == 8
        assert 0 < paired < unpaired, (r.indicator, paired, unpaired)
        assert r.diff_ci_low <= r.diff <= r.diff_ci_high
    base = summary[summary["scenario"] == "baseline"]
    assert base["diff"].isna().all() and (base["n"] == 8).all()
    saved = pd.read_csv(crn_experiment.out / "summary.csv")
    assert list(saved.columns) == list(summary.columns)
    assert json.loads((crn_experiment.out / "manifest.json").read_text())["replicates"] == 8


def test_results_have_the_tidy_columns(crn_experiment) -> None:
    res = crn_experiment.results
    assert list(res.columns) == ["scenario", "replicate", "seed", "date", "metric", "group",
                                 "value"]  # fmt: skip
    assert list(res["scenario"].cat.categories) == ["baseline", "late_strategy"]
    on_disk = pd.read_parquet(crn_experiment.out / "results.parquet")
    assert list(on_disk.columns) == list(res.columns)
    assert on_disk.equals(res)


def test_a_posterior_sample_file_gives_one_draw_per_replicate(tmp_path) -> None:
    rows = ["draw,bass_p,strategy_effect[3],nuisance:design_effect"] + [
        f"{i},{0.004 + 0.001 * i},{0.5 + 0.1 * i},1.5" for i in range(4)
    ]
    (tmp_path / "posterior.csv").write_text("\n".join(rows) + "\n")
    plan = plan_experiment(
        ["baseline", "strategy"],
        replicates=6,
        firms=300,
        until="2026-12",
        parameter_set=tmp_path / "posterior.csv",
    )
    assert plan.source.is_set and plan.source.size == 4
    by = {(s.scenario, s.replicate): s for s in plan.specs}
    for k in range(6):
        base, strat = by["baseline", k], by["strategy", k]
        assert base.params == strat.params and base.seed == strat.seed  # common per replicate
        assert base.params.n_firms == 300 and base.params.horizon == "2026-12"
        assert base.params.bass_p == pytest.approx(0.004 + 0.001 * base.param_draw)
        assert base.params.strategy_effect[3] == pytest.approx(0.5 + 0.1 * base.param_draw)
    assert sorted(by["baseline", k].param_draw for k in range(4)) == [0, 1, 2, 3]
    # the sample's point estimate is its median; one hash length everywhere
    assert plan.source.point.bass_p == pytest.approx(0.0055)
    assert plan.source.point.strategy_effect[3] == pytest.approx(0.65)
    assert len(plan.source.digest()) == len(Params().hash()) == 12
    assert plan.manifest()["param_hash"] == plan.source.digest()


def test_a_single_point_is_hashed_as_its_parameters() -> None:
    source = parameter_source("none")
    assert not source.is_set and source.point == shipped_params()[0]
    assert source.digest() == shipped_params()[0].hash()
