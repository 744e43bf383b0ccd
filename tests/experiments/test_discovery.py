"""Scenario discovery (issue 14, point 4): PRIM finds a planted box, feature scoring ranks the
planted inputs first, the design is a Latin hypercube, and a small discovery runs, resumes and
is drawn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aiadopt.experiments.discovery import (
    LEVER_KINDS,
    SIGNIFICANCE,
    DiscoveryPlan,
    ExperimentError,
    box_table,
    choose_box,
    execute_discovery,
    feature_scores,
    interventions_of,
    lever_design,
    plan_discovery,
    prim_analysis,
    quasi_p_values,
    restriction_qp,
    significance_text,
    significant,
)

from .synthetic_posterior import write_posterior


def _planted(n: int = 1500, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Five uniform inputs; the case of interest is the box a > 0.6 and c < 0.3, with 2% of
    labels flipped (noise)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 5)), columns=list("abcde"))
    y = (x["a"] > 0.6) & (x["c"] < 0.3)
    flip = rng.uniform(size=n) < 0.02
    return x, (y ^ flip).to_numpy()


def test_prim_finds_a_planted_box() -> None:
    x, y = _planted()
    trajectory, limits, initial, quasi_p = prim_analysis(x, y)
    chosen = choose_box(trajectory, min_coverage=0.8)
    box = limits[chosen]
    restricted = [c for c in x.columns if not box[c].equals(initial[c])]
    assert set(restricted) == {"a", "c"}
    assert box.at[0, "a"] == pytest.approx(0.6, abs=0.05)
    assert box.at[1, "c"] == pytest.approx(0.3, abs=0.05)
    stats = trajectory.iloc[chosen]
    assert stats["coverage"] >= 0.8
    assert stats["density"] >= 0.8  # 2% noise: about 0.98 in the true box
    assert set(quasi_p[chosen]) == {"a", "c"}  # the planted restrictions are significant
    table = box_table(box, initial, quasi_p[chosen]).set_index("input")
    assert table.at["a", "qp_low"] < SIGNIFICANCE and np.isnan(table.at["a", "qp_high"])
    assert table.at["c", "qp_high"] < SIGNIFICANCE and np.isnan(table.at["c", "qp_low"])
    assert (table["qp"] == table[["qp_low", "qp_high"]].min(axis=1)).all()


@pytest.mark.parametrize("seed", [5, 10, 12])
def test_a_restriction_of_a_pure_noise_input_is_not_significant(seed: int) -> None:
    """Peeled far enough, PRIM also restricts the noise inputs b, d and e (these seeds: in
    its densest boxes); their quasi-p-values say it may be chance, the planted ones' do not."""
    x, y = _planted(seed=seed)
    trajectory, _, _, quasi_p = prim_analysis(x, y)
    noise = [v for qp in quasi_p for k in qp if k in ("b", "d", "e") for v in qp[k]]
    assert noise and np.nanmin(noise) >= SIGNIFICANCE
    chosen = choose_box(trajectory, min_coverage=0.8)
    assert max(np.nanmin(quasi_p[chosen][k]) for k in ("a", "c")) < SIGNIFICANCE


def test_a_restriction_is_significant_when_one_of_its_limits_is() -> None:
    qp = quasi_p_values({"a": [0.01, 0.2], "b": [-1, 0.003], "c": [-1, -1]})
    assert qp["a"] == (0.01, 0.2) and np.isnan(qp["b"][0]) and qp["b"][1] == 0.003
    rows = {k: restriction_qp(*v) for k, v in qp.items()}
    assert [rows[k]["qp"] for k in "ab"] == [0.01, 0.003] and np.isnan(rows["c"]["qp"])
    assert [significant(r["qp"]) for r in rows.values()] == [True, True, False]
    assert significance_text(*qp["a"]) == (
        "quasi-p of the lower limit 0.01 (significant), of the upper limit 0.2 (not "
        "significant: may be noise)"
    )


def test_choose_box_is_the_densest_with_enough_coverage() -> None:
    t = pd.DataFrame(
        {
            "box": [0, 1, 2, 3],
            "coverage": [1.0, 0.9, 0.6, 0.3],
            "density": [0.2, 0.5, 0.8, 1.0],
            "mass": [1, 0.5, 0.2, 0.1],
            "res_dim": [0, 1, 2, 3],
        }
    )
    assert choose_box(t, 0.5) == 2
    assert choose_box(t, 0.95) == 0
    assert choose_box(t, 0.1) == 3


def test_prim_refuses_a_threshold_no_run_or_every_run_exceeds() -> None:
    x, _ = _planted(100)
    with pytest.raises(ExperimentError, match="no run exceeds"):
        prim_analysis(x, np.zeros(100, dtype=bool))
    with pytest.raises(ExperimentError, match="every run exceeds"):
        prim_analysis(x, np.ones(100, dtype=bool))


def test_feature_scores_rank_the_planted_inputs_first() -> None:
    x, above = _planted(800)
    y = 2 * x["a"] - x["c"] + np.random.default_rng(0).normal(0, 0.05, len(x))
    scores = feature_scores(x, y.to_numpy(), above, seed=1)
    assert list(scores["input"][:2]) == ["a", "c"]
    by_class = scores.sort_values("score_above", ascending=False)
    assert set(by_class["input"][:2]) == {"a", "c"}
    again = feature_scores(x, y.to_numpy(), above, seed=1)
    pd.testing.assert_frame_equal(scores, again)  # seeded: the same scores


def test_the_lever_design_is_a_latin_hypercube_from_the_seed() -> None:
    design = lever_design(40, seed=5, reductions=True)
    assert len(design.columns) == len(LEVER_KINDS) + 3
    for column in design.columns:  # one point in each of the 40 strata of every lever
        strata = np.floor(design[column].to_numpy() * 40).astype(int)
        assert sorted(strata) == list(range(40))
    pd.testing.assert_frame_equal(design, lever_design(40, seed=5, reductions=True))
    assert not design.equals(lever_design(40, seed=6, reductions=True))


def test_interventions_follow_the_levers() -> None:
    levers = {f"{k}.share": 0.0 for k in LEVER_KINDS} | {
        "training.share": 0.3,
        "cost_support.share": 0.5,
    }
    made = {iv.kind: iv for iv in interventions_of(levers, "2025-06")}
    assert set(made) == {"training", "cost_support"}  # a share of 0 is no intervention
    assert made["training"].share == 0.3
    assert made["cost_support"].reduction == 0.5
    assert made["cost_support"].start == "2025-06"


def test_runs_pair_with_the_experiments_replicates(tmp_path: Path) -> None:
    """Run k has replicate k's seed and posterior draw (common random numbers)."""
    from aiadopt.experiments.api import plan_experiment

    post = write_posterior(tmp_path / "posterior.csv")
    plan: DiscoveryPlan = plan_discovery(
        6, seed=7, firms=100, month="2026-06", parameter_set=str(post)
    )
    exp = plan_experiment(
        ["baseline"], replicates=6, seed=7, firms=100, until="2026-06", parameter_set=str(post)
    )
    assert [s.seed for s in plan.specs] == [s.seed for s in exp.specs]
    assert [s.param_draw for s in plan.specs] == [s.param_draw for s in exp.specs]
    assert list(plan.design["param_draw"]) == [s.param_draw for s in exp.specs]


def test_bad_arguments_name_the_argument() -> None:
    with pytest.raises(ExperimentError, match="runs must be"):
        plan_discovery(1)
    with pytest.raises(ExperimentError, match="start: 2031-01"):
        plan_discovery(10, start="2031-01", month="2028-12", parameter_set="none")
    with pytest.raises(ExperimentError, match="outcome: 'cost'"):
        execute_discovery(10, outcome="cost")


@pytest.mark.slow
def test_a_small_discovery_runs_resumes_and_is_drawn(tmp_path: Path) -> None:
    from aiadopt.views.discovery import save_discovery_figures

    post = write_posterior(tmp_path / "posterior.csv")
    out = tmp_path / "disc"
    args = dict(
        runs=24,
        month="2026-12",
        firms=150,
        parameter_set=str(post),
        workers=1,
        progress=False,
        out=out,
    )
    first = execute_discovery(threshold=0.05, **args)
    assert first.ran == 24 and len(first.outcomes) == 24
    middle = float(first.outcomes["share_in_place"].median())
    again = execute_discovery(threshold=middle, outcome="share_in_place", **args)
    assert again.ran == 0 and again.resumed == 24  # the same runs, another question
    pd.testing.assert_frame_equal(
        first.outcomes.drop(columns="above"), again.outcomes.drop(columns="above")
    )
    assert again.outcomes["above"].sum() == (again.outcomes["share_in_place"] > middle).sum()
    for name in ("outcomes.csv", "prim_trajectory.csv", "prim_box.csv", "feature_scores.csv"):
        assert (out / name).is_file()
    box = pd.read_csv(out / "prim_box.csv")
    assert set(box["input"]) <= set(again.inputs)
    assert {"qp_low", "qp_high", "qp"} <= set(box.columns)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["question"]["outcome"] == "share_in_place"  # the last question asked
    assert manifest["question"]["threshold"] == middle and manifest["replicates"] == 24
    figures = save_discovery_figures(again, out / "figures")
    assert all(p.stat().st_size > 10_000 for p in figures.values())
    with pytest.raises(ExperimentError, match="holds another experiment"):
        execute_discovery(threshold=0.05, **{**args, "runs": 25})


def test_the_command_refuses_bad_options(tmp_path: Path, capsys) -> None:
    from aiadopt.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["discover", "--threshold", "high", "--out", str(tmp_path / "d")])
    assert exit_.value.code == 2 and "'median'" in capsys.readouterr().err
    code = main(
        [
            "discover",
            "--runs",
            "4",
            "--start",
            "2031-01",
            "--param-set",
            "none",
            "--out",
            str(tmp_path / "d"),
        ]
    )
    assert code == 2 and "start: 2031-01" in capsys.readouterr().err
