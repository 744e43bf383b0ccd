"""Experiments draw from a posterior sample (issue 13, point 8): one draw per replicate, the
same in every scenario; the posterior-predictive interval of the effect; malformed samples
refused; the shipped point without a shipped sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aiadopt import cli
from aiadopt.experiments import (
    ExperimentError,
    execute_experiment,
    load_manifest,
    plan_experiment,
)
from aiadopt.experiments import seeds as seeds_module
from aiadopt.experiments.seeds import parameter_source
from aiadopt.model.params import shipped_params

from .synthetic_posterior import posterior_frame, write_posterior


@pytest.fixture(scope="module")
def posterior(tmp_path_factory: pytest.TempPathFactory):
    return write_posterior(tmp_path_factory.mktemp("posterior") / "posterior.csv", n=30)


def _value(params, name: str) -> float:
    field, _, index = name.partition("[")
    value = getattr(params, field)
    return float(value[int(index[:-1])]) if index else float(value)


def test_replicate_k_draws_the_same_posterior_row_in_every_scenario(posterior) -> None:
    frame = pd.read_csv(posterior).set_index("draw")
    plan = plan_experiment(["baseline", "strategy", "training"], replicates=45, firms=300,
                           until="2026-12", parameter_set=posterior)  # fmt: skip
    assert plan.source.description == (
        f"posterior sample of 30 draws from {posterior}, one draw per replicate"
    )
    by = {(s.scenario, s.replicate): s for s in plan.specs}
    names = ["bass_p", "bass_q", "strategy_effect[3]", "training_effect", "size_shares[1]"]
    draws = []
    for k in range(45):
        row = by["baseline", k].param_draw
        draws.append(row)
        for scenario in ("strategy", "training"):
            other = by[scenario, k]
            assert other.param_draw == row and other.seed == by["baseline", k].seed
            assert other.params == by["baseline", k].params  # levers act by intervention
        for name in names:  # the run's parameters are that row of the file
            assert _value(by["baseline", k].params, name) == pytest.approx(frame.loc[row, name])
    assert sorted(draws[:30]) == list(range(30))  # every draw once before any twice
    assert draws[30:] == draws[:15]


def test_a_shipped_posterior_is_drawn_from_else_the_shipped_point(posterior, monkeypatch):
    absent = posterior.with_name("absent.csv")
    monkeypatch.setattr(seeds_module, "packaged_posterior", lambda: absent)
    source = parameter_source("shipped")
    assert not source.is_set and source.point == shipped_params()[0]
    assert "no parameter uncertainty" in source.description
    monkeypatch.setattr(seeds_module, "packaged_posterior", lambda: posterior)
    source = parameter_source("shipped")
    assert source.is_set and source.size == 30
    assert source.description.startswith(
        "posterior sample of 30 draws from aiadopt/calibration/posterior.csv"
    )
    assert source.point == shipped_params()[0]  # the shipped point: the posterior median
    assert "no parameter uncertainty" in parameter_source("none").description


@pytest.fixture(scope="module")
def on_two_workers(posterior, tmp_path_factory):
    """Baseline and the strategy lever, 6 replicates drawing from the posterior, on 2 workers."""
    return execute_experiment(["baseline", "strategy"], replicates=6, workers=2, seed=3,
                              firms=300, until="2026-12", parameter_set=posterior,
                              progress=False, out=tmp_path_factory.mktemp("two"))  # fmt: skip


def test_same_seed_same_numbers_on_one_and_two_workers(posterior, on_two_workers) -> None:
    one = execute_experiment(["baseline", "strategy"], replicates=6, workers=1, seed=3,
                             firms=300, until="2026-12", parameter_set=posterior,
                             progress=False)  # fmt: skip
    pd.testing.assert_frame_equal(one.results, on_two_workers.results)
    pd.testing.assert_frame_equal(one.summary, on_two_workers.summary)
    runs = pd.read_csv(on_two_workers.out / "runs.csv")
    assert runs["param_draw"].nunique() == 6  # six replicates, six posterior draws
    source = load_manifest(on_two_workers.out)["params_source"]
    assert source.startswith(f"posterior sample of 30 draws from {posterior}")


def test_the_ppi_columns_are_the_quantiles_of_the_paired_differences(on_two_workers) -> None:
    res, summary = on_two_workers.results, on_two_workers.summary
    sel = res[(res["metric"] == "stage_share.scaled") & (res["group"] == "all")
              & (res["date"] == res["date"].max())]  # fmt: skip
    by = sel.pivot_table(index="replicate", columns="scenario", values="value", observed=True)
    d = (by["strategy"] - by["baseline"]).to_numpy()
    assert np.ptp(d) > 0  # the draws and seeds differ: the effects spread
    row = summary[(summary["indicator"] == "share_scaled") & (summary["scenario"] == "strategy")]
    row = row[row["month"] == row["month"].max()].iloc[0]
    assert (row["effect_ppi_05"], row["effect_ppi_95"]) == pytest.approx(
        tuple(np.quantile(d, [0.05, 0.95]))
    )
    assert row["diff"] == pytest.approx(d.mean())


def _refused(path, match: str) -> str:
    with pytest.raises(ExperimentError, match=match) as err:
        plan_experiment(["baseline"], replicates=2, firms=300, until="2026-12",
                        parameter_set=path)  # fmt: skip
    message = str(err.value)
    assert str(path) in message and "\n" not in message
    return message


def test_a_malformed_posterior_is_refused_with_one_line_naming_the_file(tmp_path) -> None:
    frame = posterior_frame(n=4)
    frame.drop(columns="draw").to_csv(tmp_path / "nodraw.csv", index=False)
    _refused(tmp_path / "nodraw.csv", "no 'draw' column")
    frame.assign(bass_z=0.1).to_csv(tmp_path / "unknown.csv", index=False)
    _refused(tmp_path / "unknown.csv", "'bass_z' is not a parameter")
    nan = frame.copy()
    nan.loc[2, "bass_q"] = np.nan
    nan.to_csv(tmp_path / "nan.csv", index=False)
    _refused(tmp_path / "nan.csv", "line 4, column 'bass_q': not a number")
    _refused(tmp_path / "missing.csv", "no such posterior file")
    v1 = frame.drop(columns=["draw", "nuisance:design_effect"]).assign(loss=1.0)
    v1.to_csv(tmp_path / "fitted_set.csv", index=False)
    _refused(tmp_path / "fitted_set.csv", "v1 plausible set")


def test_the_command_refuses_a_malformed_posterior(tmp_path, capsys) -> None:
    posterior_frame(n=3).drop(columns="draw").to_csv(tmp_path / "bad.csv", index=False)
    code = cli.main(["experiment", "baseline", "--replicates", "2", "--firms", "300",
                     "--until", "2026-12", "--param-set", str(tmp_path / "bad.csv"),
                     "--out", str(tmp_path / "out")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(tmp_path / "bad.csv") in err and "'draw'" in err
