"""Experiments: every built-in runs; failures are recorded; a different command into the same
folder is refused; an interrupted experiment resumes where it stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from aiadopt.calibration.report import FIT_TABLE_FILE, FIT_TABLE_REPLICATES, load_fit_table
from aiadopt.experiments import (
    BUILTIN_SCENARIOS,
    ExperimentError,
    execute_experiment,
    load_results,
    run_experiment,
)
from aiadopt.experiments import runner as runner_module
from aiadopt.experiments.store import Store, load_point
from aiadopt.model.params import shipped_params

from .conftest import SMALL


def test_every_built_in_scenario_runs(tmp_path: Path) -> None:
    exp = execute_experiment(None, replicates=2, workers=1, out=tmp_path / "out", **SMALL)
    assert exp.complete and exp.ran == 12 and not exp.failures
    res = exp.results
    assert list(res["scenario"].cat.categories) == list(BUILTIN_SCENARIOS)
    assert res.groupby("scenario", observed=True)["replicate"].nunique().eq(2).all()
    last = res[(res["date"] == res["date"].max()) & (res["group"] == "engaged")]
    tripartite = (
        last[last["metric"] == "strategy_share.tripartite"]
        .groupby("scenario", observed=True)["value"]
        .mean()
    )
    assert tripartite["strategy"] > tripartite["baseline"] + 0.1
    assert tripartite["combined"] > tripartite["baseline"] + 0.1
    managers = res[(res["date"] == res["date"].max()) & (res["metric"] == "manager_share.pair")]
    by = managers.groupby("scenario", observed=True)["value"].mean()
    assert by["outsourcing"] > by["baseline"]
    s = exp.summary
    assert set(s["scenario"]) == set(BUILTIN_SCENARIOS)
    assert set(s["indicator"]) == {"share_scaled", "productivity_realised"}
    assert set(s["month"]) == {"2026-12"}  # the runs stop before 2027-12
    text = exp.format_summary()
    for name in BUILTIN_SCENARIOS:
        assert name in text
    assert sorted(p.name for p in exp.paths.values()) == ["results.parquet", "runs.csv",
                                                          "summary.csv"]  # fmt: skip


def test_fit_saves_the_fit_table_of_the_point_estimate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = run_experiment(["baseline"], replicates=1, workers=1, out=out, fit=True, **SMALL)
    assert not res.empty
    table = pd.read_csv(out / FIT_TABLE_FILE)
    assert table["replicates"].max() == FIT_TABLE_REPLICATES
    # the point estimate with the experiment's firms, saved for the fit of plot/report --fit
    point = load_point(out)
    assert point == shipped_params()[0].replace(n_firms=SMALL["firms"])
    assert load_fit_table(out, param_hash=point.hash()) is not None
    with pytest.raises(ExperimentError, match="needs an output folder"):
        run_experiment(["baseline"], replicates=1, workers=1, fit=True, **SMALL)


def test_run_experiment_returns_the_results_without_a_folder() -> None:
    res = run_experiment(["baseline"], replicates=2, workers=1, **SMALL)
    assert list(res.columns) == ["scenario", "replicate", "seed", "date", "metric", "group",
                                 "value"]  # fmt: skip
    assert set(res["replicate"]) == {0, 1}
    assert res["metric"].astype(str).str.startswith("stage_share.").any()
    assert not res["metric"].astype(str).str.startswith("usecase_stage.").any()  # default selection


class _Exploding:
    """Stands in for AdoptionModel; fails for one seed."""

    def __init__(self, real, bad_seed):
        self.real, self.bad_seed = real, bad_seed

    def __call__(self, params, seed=None, **kwargs):
        if seed == self.bad_seed:
            raise RuntimeError("boom in the model")
        return self.real(params, seed=seed, **kwargs)


def test_a_failed_run_is_recorded_and_retried_on_resume(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    args = dict(replicates=3, workers=1, out=out, **SMALL)
    clean = execute_experiment(["baseline", "strategy"], **{**args, "out": tmp_path / "clean"})
    bad_seed = int(clean.results.query("replicate == 1")["seed"].iloc[0])
    monkeypatch.setattr(
        runner_module, "AdoptionModel", _Exploding(runner_module.AdoptionModel, bad_seed)
    )
    exp = execute_experiment(["baseline", "strategy"], **args)
    # replicate 1 fails in both scenarios (same seed: common random numbers); the rest ran
    assert exp.ran == 6 and len(exp.failures) == 2 and not exp.complete
    records = sorted((out / "failures").glob("*.json"))
    assert [p.name for p in records] == ["baseline__0001.json", "strategy__0001.json"]
    record = json.loads(records[0].read_text())
    assert record["error"] == "RuntimeError: boom in the model"
    assert "Traceback" in record["traceback"] and "boom in the model" in record["traceback"]
    assert set(exp.results["replicate"]) == {0, 2}
    assert "2 run(s) failed" in exp.format_summary()
    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["status"]) == ["done"] * 4 + ["failed"] * 2
    monkeypatch.undo()
    again = execute_experiment(["baseline", "strategy"], **args)
    assert again.ran == 2 and again.resumed == 4 and again.complete
    assert not list((out / "failures").glob("*.json"))
    assert again.results.equals(clean.results)


def test_an_interrupted_experiment_resumes_and_equals_an_uninterrupted_one(
    tmp_path, monkeypatch
) -> None:
    args = dict(replicates=3, workers=1, **SMALL)
    scenarios = ["baseline", "training"]
    clean = run_experiment(scenarios, out=tmp_path / "clean", **args)
    out = tmp_path / "out"
    real_write = Store.write_run
    written = []

    def write_then_interrupt(self, outcome):
        if len(written) == 4:
            raise KeyboardInterrupt  # Ctrl-C in the middle of filing the fifth run
        written.append(outcome.key)
        return real_write(self, outcome)

    monkeypatch.setattr(Store, "write_run", write_then_interrupt)
    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        execute_experiment(scenarios, out=out, echo=lines.append, **args)
    assert any("Interrupted: 4 of 6 runs are kept" in line for line in lines)
    monkeypatch.undo()
    before = {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")}
    assert len(before) == 4
    exp = execute_experiment(scenarios, out=out, **args)
    assert (exp.ran, exp.resumed) == (2, 4)
    after = {p: p.stat().st_mtime_ns for p in (out / "runs").rglob("*.parquet")}
    assert len(after) == 6 and all(after[p] == t for p, t in before.items())  # not rerun
    assert exp.results.equals(clean)
    assert load_results(out).equals(clean)
    assert not list(out.rglob("*.tmp"))
    # once complete, the same command runs nothing and returns the same results
    third = execute_experiment(scenarios, out=out, **args)
    assert third.ran == 0 and third.results.equals(clean)


def test_a_different_experiment_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = dict(replicates=2, workers=1, out=out, **SMALL)
    execute_experiment(["baseline"], **args)
    for change, word in (
        ({"replicates": 1}, "replicates"),  # more would extend it
        ({"seed": 1}, "root_seed"),
        ({"firms": 301}, "firms"),
        ({"until": "2026-11"}, "until"),
        ({"metrics": "all"}, "metrics"),
    ):
        with pytest.raises(ExperimentError, match=word):
            execute_experiment(["baseline"], **{**args, **change})
    with pytest.raises(ExperimentError, match="scenarios"):
        execute_experiment(["baseline", "strategy"], **args)
    scenario = tmp_path / "baseline.toml"
    scenario.write_text("[overrides]\nbass_q = 0.07\n")
    with pytest.raises(ExperimentError, match="definition of baseline changed"):
        execute_experiment([scenario], **args)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ExperimentError, match="not empty"):
        execute_experiment(["baseline"], **{**args, "out": other})


def test_bad_arguments_are_errors_before_any_run(tmp_path: Path) -> None:
    for kwargs, word in (
        ({"replicates": 0}, "replicates"),
        ({"seed": -1}, "seed"),
        ({"until": "2022-11"}, "until"),
        ({"until": "June"}, "until"),
        ({"metrics": ["stage_share", "nope"]}, "nope"),
        ({"reference": "strategy"}, "reference"),
    ):
        with pytest.raises(ExperimentError, match=word):
            execute_experiment(["baseline"], **{**dict(workers=1, **SMALL), **kwargs})
    assert not any(tmp_path.iterdir())


def test_each_point_of_a_sweep_is_a_scenario_in_the_results(tmp_path: Path) -> None:
    sweep = tmp_path / "share.toml"
    sweep.write_text(
        'name = "strategy"\n'
        '[[interventions]]\ntype = "tripartite_strategy"\nstart = "2025-06"\nname = "strategy"\n'
        '[sweep]\nlever = "intervention.strategy.share"\n'
        "range = {start = 0.0, stop = 0.5, num = 3}\n"
    )
    exp = execute_experiment([sweep], replicates=2, workers=1, out=tmp_path / "out", **SMALL)
    names = ["strategy[share=0]", "strategy[share=0.25]", "strategy[share=0.5]"]
    assert list(exp.results["scenario"].cat.categories) == names
    assert sorted(p.name for p in (tmp_path / "out" / "runs").iterdir()) == sorted(names)
    summary = exp.summary
    assert set(summary["reference"]) == {"strategy[share=0]"}  # no baseline: the first point
    scaled = summary[summary["indicator"] == "share_scaled"].set_index("scenario")["diff"]
    assert scaled["strategy[share=0.5]"] > scaled["strategy[share=0.25]"] > 0
