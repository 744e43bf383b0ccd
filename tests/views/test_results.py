"""``aiadopt.Results``: a results folder for research in Python (issue 14, point 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aiadopt
from aiadopt.experiments import summarise
from aiadopt.views.folder import ResultsError
from aiadopt.views.results import Results
from aiadopt.views.style import axes_of


@pytest.fixture(scope="module")
def res(experiment_dir: Path) -> Results:
    return aiadopt.Results.open(experiment_dir)


def _values(results: pd.DataFrame, scenario: str, metric: str, month: str) -> pd.Series:
    sel = results[(results["scenario"] == scenario) & (results["metric"] == metric)
                  & (results["group"] == "all") & (results["date"] == pd.Timestamp(f"{month}-01"))]
    return sel.set_index("replicate")["value"]  # fmt: skip


def test_the_facade_offers_the_results_object(res: Results, experiment_dir: Path) -> None:
    assert aiadopt.Results is Results and "Results" in aiadopt.__all__
    assert res.scenarios == ["baseline", "strategy"] and res.reference == "baseline"
    assert res.replicates == 2 and res.folder == experiment_dir
    assert res.descriptions["strategy"].endswith("from 2025-06")
    assert "2 scenario(s) (baseline, strategy), 2 replicate(s)" in repr(res)
    with pytest.raises(ResultsError, match="no such folder"):
        Results.open(experiment_dir / "nowhere")


def test_summary_takes_indicators_and_months(res: Results) -> None:
    table = res.summary(indicators="share_in_place,enthusiasm@engaged", months="2025-03,2025-09")
    assert list(dict.fromkeys(table["indicator"])) == ["share_in_place", "enthusiasm@engaged"]
    assert sorted(set(table["month"])) == ["2025-03", "2025-09"]
    row = table[(table["indicator"] == "share_in_place") & (table["month"] == "2025-09")
                & (table["scenario"] == "strategy")].iloc[0]  # fmt: skip
    in_place = sum(_values(res.results, "strategy", f"stage_share.{s}", "2025-09")
                   for s in ("deployed", "scaled"))  # fmt: skip
    assert row["mean"] == pytest.approx(in_place.mean())
    pd.testing.assert_frame_equal(res.summary(), summarise(res.results))
    text = res.format_summary(indicators=["share_in_place"], months=["2025-09"])
    assert text.startswith("Share of firms with use cases in place") and "2025-09" in text
    with pytest.raises(ValueError, match="month 2031-01 is not in the results"):
        res.summary(months="2031-01")
    with pytest.raises(ValueError, match="unknown indicator 'share of firms'"):
        res.summary(indicators="share of firms")


def test_compare_gives_the_paired_effect_of_one_scenario_against_another(res: Results) -> None:
    table = res.compare("strategy", "baseline", indicators="share_scaled", months="2025-09")
    assert len(table) == 1
    row = table.iloc[0]
    a = _values(res.results, "strategy", "stage_share.scaled", "2025-09")
    b = _values(res.results, "baseline", "stage_share.scaled", "2025-09")
    assert row["diff"] == pytest.approx((a - b).mean())
    assert (row["mean"], row["versus_mean"]) == pytest.approx((a.mean(), b.mean()))
    assert row["n_pairs"] == 2 and row["versus"] == "baseline"
    assert np.isfinite(row["diff_ci_low"]) and row["diff_ci_low"] <= row["diff"]
    assert row["p_scenario_beats_versus"] == pytest.approx(np.mean(a > b))
    assert row["effect_ppi_05"] == pytest.approx(np.quantile(a - b, 0.05))
    back = res.compare("baseline", "strategy", indicators="share_scaled", months="2025-09")
    assert back.iloc[0]["diff"] == pytest.approx(-row["diff"])
    assert back.iloc[0]["p_scenario_beats_versus"] == pytest.approx(np.mean(b > a))
    matrix = res.beats("share_scaled", "2025-09")
    assert matrix.loc["strategy", "baseline"] == row["p_scenario_beats_versus"]
    assert len(res.paired_differences("share_scaled", "2025-09")) == row["n_pairs"]
    with pytest.raises(ValueError, match="unknown scenario 'training'"):
        res.compare("training")
    with pytest.raises(ValueError, match="not with itself"):
        res.compare("baseline")


def test_plot_draws_and_saves_the_figures_asked_for(res: Results, tmp_path: Path) -> None:
    figures = res.plot("effects", out=tmp_path)
    assert list(figures) == ["effects"]
    assert (tmp_path / "effects.png").stat().st_size > 10_000
    with pytest.raises(ValueError, match="unknown figure 'effect'"):
        res.plot("effect")


def test_with_parameters_joins_the_runs_table(res: Results) -> None:
    joined = res.with_parameters()
    assert len(joined) == len(res.results)
    assert {"param_hash", "status"} <= set(joined.columns)
    assert (joined["status"] == "done").all()


def _effects(results: pd.DataFrame, month: str) -> pd.Series:
    """Mean paired effect on share at scale (points) per scenario at ``month``, computed
    apart."""
    at = results[(results["metric"] == "stage_share.scaled") & (results["group"] == "all")
                 & (results["date"] == pd.Timestamp(f"{month}-01"))]  # fmt: skip
    wide = at.pivot(index="replicate", columns="scenario", values="value")
    return 100 * wide.sub(wide["baseline"], axis=0).mean()


def test_plot_draws_every_figure_family_of_a_sweep_experiment(sweep_dir: Path,
                                                               tmp_path: Path) -> None:  # fmt: skip
    res = aiadopt.Results.open(sweep_dir)
    figures = res.plot()
    assert {"stage_shares", "share_at_scale", "effects", "effect_distribution", "dose_response",
            "dose_heatmap"} <= set(figures)  # fmt: skip
    chosen = res.plot("dose_response", "dose_heatmap", "effect_distribution", out=tmp_path,
                      months=["2025-07", "2025-08"])  # fmt: skip
    assert set(chosen) == {"dose_response", "dose_heatmap", "effect_distribution"}
    assert sorted(p.stem for p in tmp_path.iterdir()) == sorted(chosen)
    want = _effects(res.results, "2025-08")  # the last month asked for
    ax = axes_of(chosen["dose_response"])[0]
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in lines] == ["Jul 2025", "Aug 2025"]
    dose = sorted((n for n in res.scenarios if n.startswith("dose[")),
                  key=lambda n: float(n.split("=")[1][:-1]))  # fmt: skip
    assert lines[1].get_ydata() == pytest.approx([want[n] for n in dose])
    grid = np.asarray(axes_of(chosen["dose_heatmap"])[0].images[0].get_array())
    mixes = [n for n in res.scenarios if n.startswith("mix[")]
    assert sorted(grid.ravel()) == pytest.approx(sorted(want[n] for n in mixes))
    assert not np.allclose(sorted(grid.ravel()), sorted(_effects(res.results, "2025-09")[mixes]))
    with pytest.raises(ResultsError, match="month 2031-01 is not in the results: give months "):
        res.plot("dose_response", months="2031-01")
