"""Tests of the dashboard's live runs (aiadopt.experiments.live): the levers, the model built
from the page's inputs, its series and the run without levers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt.experiments import live
from aiadopt.model import AdoptionModel
from aiadopt.model.params import shipped_params

FIRMS = 1_500


def test_levers_become_interventions_from_april_2025():
    levers = live.Levers(tripartite_share=0.5, training_share=0.25, cost_reduction=0.3)
    got = {iv.kind: iv for iv in levers.interventions()}
    assert set(got) == {"tripartite_strategy", "training", "cost_support"}
    assert all(iv.start == live.LEVER_START == "2025-04" for iv in got.values())
    assert got["tripartite_strategy"].share == 0.5
    assert got["training"].share == 0.25
    assert got["cost_support"].reduction == 0.3
    assert levers.active
    assert "tripartite strategy: 50% of engaged firms" in levers.describe()
    assert not live.Levers().active
    assert live.Levers().interventions() == []


@pytest.mark.parametrize("name", ["tripartite_share", "security_reduction"])
def test_levers_out_of_range_are_refused(name):
    with pytest.raises(live.LiveError, match=name):
        live.Levers(**{name: 1.5})


def test_seed_is_read_from_text_and_a_bad_one_is_reported():
    assert live.parse_seed(" 7 ") == 7
    model = live.LiveModel(n_firms=100, seed=" 7 ")
    assert (model.seed, model.warnings) == (7, [])
    for bad in ("seven", "-1", "1.5", ""):
        with pytest.raises(live.LiveError, match="seed"):
            live.parse_seed(bad)
        model = live.LiveModel(n_firms=100, seed=bad)
        assert model.seed == live.DEFAULT_SEED
        (warning,) = model.warnings
        assert "seed" in warning
        assert model.snapshot().warnings == (warning,)


def test_without_levers_it_is_the_calibrated_model():
    """No lever: the same trajectories as AdoptionModel with the shipped fit."""
    model = live.LiveModel(n_firms=FIRMS, seed=3)
    model.run()
    frame = live.run_frame(model)
    with AdoptionModel(shipped_params()[0], seed=3, n_firms=FIRMS) as reference:
        reference.run()
        tidy = reference.tidy()
    in_place = (
        tidy[tidy["metric"].isin(["stage_share.deployed", "stage_share.scaled"])]
        .query("group == 'all'")
        .groupby("date")["value"]
        .sum()
    )
    np.testing.assert_allclose(frame["in_place"].to_numpy(), in_place.to_numpy())
    assert model.params.n_firms == FIRMS
    assert model.params_source == shipped_params()[1]
    assert not model.levers.active
    assert list(frame.columns) == live.COLUMNS
    assert frame.index[0] == pd.Timestamp("2022-11-01")
    assert frame.index[-1] == pd.Timestamp(model.params.horizon + "-01")
    stages = frame[["not_engaged", "planned", "experimenting", "deployed", "scaled"]]
    np.testing.assert_allclose(stages.sum(axis=1), 1.0)


def test_a_lever_changes_the_run_only_once_it_acts():
    """Same seed: identical to the run without levers before April 2025, different after."""
    model = live.LiveModel(n_firms=FIRMS, seed=5, tripartite_share=1.0)
    model.run()
    run = live.run_frame(model)
    base = live.baseline_frame(FIRMS, 5)
    before = run.index < pd.Timestamp(live.LEVER_START + "-01")
    pd.testing.assert_frame_equal(run[before], base[before])
    # more firms in place while the lever acts (by 2030-12 both runs near 90%: the lever
    # brings firms in place earlier; measured +5.2 points on average, +1.0 at the horizon)
    gain = (run["in_place"] - base["in_place"])[~before]
    assert gain.mean() > 0.02 and gain.min() > -0.01
    assert live.baseline_frame(FIRMS, 5) is base  # cached


def test_stepping_past_the_horizon_does_nothing():
    model = live.LiveModel(n_firms=200, seed=1)
    model.run()
    steps, rows = model.steps, len(live.run_frame(model))
    for _ in range(3):
        model.step()
    assert (model.steps, len(live.run_frame(model))) == (steps, rows)
    assert not model.running


def test_a_snapshot_holds_the_tables_and_the_provenance_at_the_current_month():
    model = live.LiveModel(n_firms=300, seed=2, training_share=1.0)
    model.run(until="2025-06")
    snap = model.snapshot()
    assert snap is model.snapshot()  # one per month, shared by the page's panels
    assert (snap.month, snap.steps, snap.seed, snap.n_firms) == ("2025-06", model.steps, 2, 300)
    assert snap.run["date"].max() == pd.Timestamp("2025-06-01")
    assert snap.baseline["date"].max() == pd.Timestamp(model.params.horizon + "-01")
    assert snap.baseline_frame.index[-1] == snap.baseline["date"].max()
    assert snap.meta == {
        "version": snap.meta["version"],
        "param_hash": model.params.hash(),
        "seed": "2",
        "params_source": model.params_source,
        "firms": "300",
    }
    model.step()
    assert model.snapshot() is not snap and model.snapshot().month == "2025-07"
    plain = live.LiveModel(n_firms=300, seed=2)
    assert plain.snapshot().baseline is None and plain.snapshot().baseline_frame is None


def test_the_levers_export_as_a_scenario_file_aiadopt_experiment_reads(tmp_path):
    from aiadopt.experiments.scenarios import load_scenario

    levers = live.Levers(training_share=0.5, security_reduction=0.25)
    path = tmp_path / "mine.toml"
    path.write_text(live.scenario_toml(levers, n_firms=3_000, seed=7, name="mine"))
    scenario = load_scenario(path)
    assert scenario.name == "mine"
    assert scenario.interventions == tuple(levers.interventions())
    assert "training programme: 50% of engaged firms" in scenario.description
    assert "--firms 3000" in path.read_text()  # the page's population, in a comment
    # no lever: the baseline (no intervention), still a valid scenario
    path.write_text(live.scenario_toml(live.Levers(), n_firms=3_000, seed=7, name="none"))
    assert load_scenario(path).interventions == ()
