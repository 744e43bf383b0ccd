"""Plots of results: each plot function on a small table, saving, results folders, the CLI."""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from aiadopt import plotting as pl
from aiadopt.cli import main
from aiadopt.experiments.summary import summarise
from aiadopt.plotting import (
    FIGURES,
    STAGE_COLOURS,
    SURVEY_DATE,
    USECASES,
    MissingDataError,
    ResultsError,
    axes_of,
    figure_title,
    load_results_folder,
    plot_deployed_views,
    plot_effects,
    plot_gains,
    plot_hype_cycle,
    plot_results,
    plot_share_at_scale,
    plot_stage_shares,
    save_figure,
)

MONTHS = pd.date_range("2024-09-01", "2025-08-01", freq="MS")
STAGES = list(STAGE_COLOURS)
SCENARIOS = ["baseline", "strategy", "no_success_factors"]
EFFECT = {"baseline": 0.0, "strategy": 0.04, "no_success_factors": -0.03}


def _series(scenario: str, replicate: int) -> dict[tuple[str, str], np.ndarray]:
    """Every metric the plots read, for one run: plausible, smooth, distinct values."""
    t = np.linspace(0.0, 1.0, len(MONTHS))
    noise = 0.003 * replicate
    scaled = np.clip(0.02 + 0.10 * t + EFFECT.get(scenario, 0.0) * t + noise, 0, 1)
    deployed = 0.08 + 0.05 * t
    experimenting = 0.12 + 0.04 * t
    planned = 0.08 + 0.01 * t
    out = {
        ("stage_share.scaled", "all"): scaled,
        ("stage_share.deployed", "all"): deployed,
        ("stage_share.experimenting", "all"): experimenting,
        ("stage_share.planned", "all"): planned,
        ("stage_share.not_engaged", "all"): 1 - scaled - deployed - experimenting - planned,
        ("stage_share.scaled", "size:100_249"): scaled * 0.8,
        ("deployed_view.technique", "all"): scaled + deployed,
        ("deployed_view.business", "all"): scaled + deployed + 0.1,
        ("enthusiasm", "all"): 0.5 + 0.1 * np.sin(6 * t) + noise,
        ("enthusiasm", "engaged"): 0.7 - 0.1 * t,
    }
    for k, kind in enumerate(("productivity", "cost", "revenue")):
        out[(f"gain_expected.{kind}", "all")] = 7.0 - 2 * k + t
        out[(f"gain_realised.{kind}", "active")] = (
            1.0 + 3 * t - 0.5 * k + 10 * EFFECT.get(scenario, 0.0)
        )
        out[(f"gain_realised.{kind}", "all")] = (
            0.3 + 2 * t - 0.1 * k + 10 * EFFECT.get(scenario, 0.0)
        )
    for k, case in enumerate(USECASES):
        for group in ("technique", "business", "mature"):
            out[(f"usecase_interest.{case}", group)] = 0.2 + 0.1 * k + 0.05 * t
    return out


def _tidy(series: dict[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    frames = [
        pd.DataFrame({"date": MONTHS, "metric": m, "group": g, "value": v})
        for (m, g), v in series.items()
    ]
    return pd.concat(frames, ignore_index=True)


def make_results(scenarios=SCENARIOS, replicates: int = 3) -> pd.DataFrame:
    """A small experiment's results table (scenario, replicate, seed, date, metric, group,
    value), scenarios as an ordered categorical like the experiments' loader gives."""
    frames = []
    for name in scenarios:
        for r in range(replicates):
            f = _tidy(_series(name, r))
            f.insert(0, "seed", 100 + r)
            f.insert(0, "replicate", r)
            f.insert(0, "scenario", name)
            frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    return out.assign(
        scenario=pd.Categorical(out["scenario"], categories=list(scenarios), ordered=True),
        metric=out["metric"].astype("category"),
        group=out["group"].astype("category"),
    )


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return make_results()


@pytest.fixture(scope="module")
def run_tidy() -> pd.DataFrame:
    """One run's trajectories: date, metric, group, value (no scenario, no replicate)."""
    return _tidy(_series("baseline", 0))


def data_axes(fig: Figure) -> list:
    return [ax for ax in axes_of(fig) if ax.axison and ax.get_visible()]


def survey_lines(ax) -> list:
    x = mdates.date2num(SURVEY_DATE)
    return [
        line
        for line in ax.get_lines()
        if len(line.get_xdata()) == 2
        and all(mdates.date2num(pd.Timestamp(v)) == x for v in line.get_xdata())
    ]


def title_of(ax) -> str:
    """An axes' title (the project's style puts titles on the left)."""
    return ax.get_title(loc="left") or ax.get_title()


def labelled_lines(ax) -> dict[str, object]:
    return {ln.get_label(): ln for ln in ax.get_lines() if not ln.get_label().startswith("_")}


def legend_texts(fig: Figure) -> list[str]:
    legends = []
    for owner in [fig, *getattr(fig, "subfigs", [])]:
        legends += list(getattr(owner, "legends", []))
        for sub in getattr(owner, "subfigs", []):
            legends += list(sub.legends)
    for ax in axes_of(fig):
        legends += [c for c in ax.get_children() if type(c).__name__ == "Legend"]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def check_common(fig: Figure, *, time: bool = True) -> None:
    """What every figure must have: a title, labelled axes, dates and the survey month."""
    assert isinstance(fig, Figure)
    assert figure_title(fig)
    axes = data_axes(fig)
    assert axes
    for ax in axes:
        assert ax.get_xlabel() or not ax.get_xaxis().get_visible() or ax.get_xticklabels()
        if time:
            formatter = ax.xaxis.get_major_formatter()
            assert isinstance(formatter, mdates.DateFormatter | mdates.ConciseDateFormatter)
            assert survey_lines(ax), "survey month not marked"
    if time:  # values on y, with their unit
        assert any("%" in ax.get_ylabel() or "index" in ax.get_ylabel() for ax in axes)
    else:  # values on x (effects), with their unit
        assert all("points" in ax.get_xlabel() for ax in axes)


# --- each plot function --------------------------------------------------------------------------


def test_stage_shares_one_panel_per_scenario(results) -> None:
    fig = plot_stage_shares(results, meta={"firms": 500, "replicates": 3})
    check_common(fig)
    axes = data_axes(fig)
    assert [title_of(ax) for ax in axes] == ["baseline", "strategy", "no success factors"]
    for ax in axes:
        polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
        assert len(polys) >= 5  # five stages (the replicate-free stack has no band)
        assert ax.get_ylim() == (0.0, 100.0)
        # the study's engaged, active, in-place shares at the survey month
        marks = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(marks) == 3
    texts = legend_texts(fig)
    for stage in ("not engaged", "planned", "experimenting", "deployed", "scaled (at scale)"):
        assert stage in texts
    assert "study: engaged 48%" in texts


def test_stage_shares_stack_the_mean_of_the_replicates(results) -> None:
    fig = plot_stage_shares(results, scenarios=["strategy"])
    (ax,) = data_axes(fig)
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    top_of_scaled = polys[0].get_paths()[0].vertices[:, 1].max()
    expected = (
        results[
            (results["scenario"] == "strategy")
            & (results["metric"] == "stage_share.scaled")
            & (results["group"] == "all")
        ]
        .groupby("date", observed=True)["value"]
        .mean()
        .max()
    )
    assert top_of_scaled == pytest.approx(100 * expected)


def test_a_single_run_is_one_scenario(run_tidy) -> None:
    fig = plot_stage_shares(run_tidy, meta={"firms": 500, "seed": 7})
    check_common(fig)
    assert len(data_axes(fig)) == 1
    assert tuple(fig.get_size_inches()) == (10.0, 5.6)
    assert "500 simulated firms" in figure_title(fig)
    # the footer names the seed
    texts = [t.get_text() for sub in fig.subfigs for t in sub.texts]
    assert any("seed 7" in t for t in texts)


def test_share_at_scale_every_scenario_with_bands(results) -> None:
    fig = plot_share_at_scale(results)
    check_common(fig)
    (ax,) = data_axes(fig)
    lines = labelled_lines(ax)
    assert set(lines) == {"baseline (reference)", "strategy", "no success factors"}
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3
    # the mean line is the mean over replicates, in percent
    last = results[
        (results["scenario"] == "strategy")
        & (results["metric"] == "stage_share.scaled")
        & (results["group"] == "all")
        & (results["date"] == MONTHS[-1])
    ]["value"].mean()
    assert lines["strategy"].get_ydata()[-1] == pytest.approx(100 * last)
    # the legend lists the scenarios by their last value, highest first
    texts = legend_texts(fig)
    assert texts[texts.index("strategy") + 1] == "baseline (reference)"


def test_share_at_scale_of_one_run_has_no_band(run_tidy) -> None:
    fig = plot_share_at_scale(run_tidy)
    (ax,) = data_axes(fig)
    assert list(labelled_lines(ax)) == ["run"]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_effects_sorted_dots_and_intervals(results) -> None:
    summary = summarise(results)
    fig = plot_effects(summary)
    check_common(fig, time=False)
    axes = data_axes(fig)
    assert len(axes) == 2  # share at scale, realised productivity
    assert title_of(axes[0]) == "Share of firms at scale"
    labels = [t.get_text() for t in axes[0].get_yticklabels()]
    assert labels == ["no success factors", "strategy"]  # largest effect on top
    assert "percentage points" in axes[0].get_xlabel()
    # one dot per scenario and month (two months: the summary's 2025-08 only here)
    months = summary["month"].nunique()
    dots = [ln for ln in axes[0].get_lines() if ln.get_marker() in ("o", "D")]
    assert len(dots) == 2 * months
    # the dots are the paired differences, in points
    d = summary[(summary["indicator"] == "share_scaled") & (summary["scenario"] == "strategy")]
    assert any(ln.get_xdata()[0] == pytest.approx(100 * d["diff"].iloc[-1]) for ln in dots)


def test_effects_need_two_scenarios() -> None:
    summary = summarise(make_results(["baseline"]))
    with pytest.raises(MissingDataError, match="no paired difference"):
        plot_effects(summary)


def test_hype_cycle_enthusiasm_and_each_use_case(results) -> None:
    fig = plot_hype_cycle(results)
    check_common(fig)
    top, bottom = data_axes(fig)
    assert set(labelled_lines(top)) == {"all firms", "engaged firms (planned or beyond)"}
    assert set(labelled_lines(bottom)) == {label for label, _, _ in USECASES.values()}
    assert "baseline" in figure_title(fig)
    # interest: mean of the Technique and Business groups, in percent
    content = labelled_lines(bottom)["Content"].get_ydata()
    assert content[0] == pytest.approx(20.0)


def test_gains_expected_against_realised(results) -> None:
    fig = plot_gains(results, scenario="strategy")
    check_common(fig)
    axes = data_axes(fig)
    assert [title_of(ax) for ax in axes] == ["Productivity", "Cost", "Revenue"]
    for ax in axes:
        assert len([ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(MONTHS)]) == 3
    # the study's expected and realised productivity (7.6% and 5.4%) marked
    marks = [c for c in axes[0].containers if isinstance(c, ErrorbarContainer)]
    values = sorted(round(float(c.lines[0].get_ydata()[0]), 1) for c in marks)
    assert values == [5.4, 7.6]
    assert "strategy" in figure_title(fig)


def test_deployed_views_with_the_study_10_and_21(results) -> None:
    fig = plot_deployed_views(results)
    check_common(fig)
    axes = data_axes(fig)
    assert len(axes) == 1  # a year of data: no zoom panel
    lines = labelled_lines(axes[0])
    assert {"Business view (loose)", "Technique view (strict)"} <= set(lines)
    marks = [c for c in axes[0].containers if isinstance(c, ErrorbarContainer)]
    assert sorted(round(float(c.lines[0].get_ydata()[0])) for c in marks) == [10, 21]


def test_deployed_views_zoom_on_a_long_run() -> None:
    months = pd.date_range("2022-11-01", "2028-12-01", freq="MS")
    tidy = pd.concat(
        [
            pd.DataFrame({"date": months, "metric": m, "group": "all", "value": v})
            for m, v in (
                ("deployed_view.technique", np.linspace(0, 0.5, len(months))),
                ("deployed_view.business", np.linspace(0, 0.7, len(months))),
            )
        ]
    )
    fig = plot_deployed_views(tidy)
    axes = data_axes(fig)
    assert title_of(axes[0]) == "Whole run"
    assert title_of(axes[1]).startswith("Zoom")


def test_missing_metrics_name_what_is_missing(run_tidy) -> None:
    no_hype = run_tidy[run_tidy["metric"] != "enthusiasm"]
    with pytest.raises(MissingDataError, match="enthusiasm"):
        plot_hype_cycle(no_hype)
    with pytest.raises(ValueError, match="no column metric"):
        plot_stage_shares(run_tidy.drop(columns="metric"))


def test_a_run_before_the_survey_has_no_study_marks() -> None:
    early = make_results(["baseline"], 1)
    early = early[early["date"] < SURVEY_DATE]
    fig = plot_gains(early)
    for ax in data_axes(fig):
        assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert not survey_lines(ax)


def test_label_spreading_keeps_order_and_gap() -> None:
    placed = pl.spread_labels([63.0, 77.0, 66.0, 65.0], 3.0)
    order = np.argsort([63.0, 77.0, 66.0, 65.0])
    assert list(np.argsort(placed)) == list(order)
    ys = sorted(placed)
    assert min(b - a for a, b in itertools.pairwise(ys)) >= 3.0 - 1e-9


# --- saving --------------------------------------------------------------------------------------


def test_save_figure_writes_png_and_svg_atomically(tmp_path: Path, run_tidy) -> None:
    fig = plot_share_at_scale(run_tidy, meta={"param_hash": "abc123", "seed": 3})
    paths = save_figure(fig, tmp_path / "sub" / "scale", metadata={"param_hash": "abc123"})
    assert set(paths) == {"png", "svg"}
    png = paths["png"].read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"aiadopt.param_hash" in png and b"abc123" in png
    svg = paths["svg"].read_text(encoding="utf-8")
    assert "<svg" in svg and "Share of firms at scale" in svg  # text kept as text
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["scale.png", "scale.svg"]


# --- results folders and `aiadopt plot` ----------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    from aiadopt.model import Params
    from aiadopt.runs import run_and_save

    out = tmp_path_factory.mktemp("run")
    run_and_save(Params(n_firms=120), seed=5, until="2025-06", out_dir=out, progress=False)
    return out


def test_a_folder_that_holds_no_results_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such folder"):
        load_results_folder(tmp_path / "nope")
    with pytest.raises(ResultsError, match=r"manifest\.json.*trajectories\.parquet") as info:
        load_results_folder(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_plot_a_run_folder(run_dir: Path, tmp_path: Path) -> None:
    data = load_results_folder(run_dir)
    assert data.kind == "run"
    assert data.meta["seed"] == 5 and data.params is not None
    out = plot_results(run_dir, tmp_path / "figs", fit_replicates=0)
    expected = set(FIGURES) - {"effects", "fit"}
    assert set(out.paths) == expected
    for name in expected:
        assert (tmp_path / "figs" / f"{name}.png").is_file()
        assert (tmp_path / "figs" / f"{name}.svg").is_file()
    assert set(out.skipped) == {"effects", "fit"}
    assert "one scenario" in out.skipped["effects"]


def test_plot_reuses_a_fit_report_in_the_folder(run_dir: Path, tmp_path: Path) -> None:
    from aiadopt.calibration.report import fit_report
    from aiadopt.model import Params

    folder = tmp_path / "with_fit"
    folder.mkdir()
    for f in run_dir.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    fit_report(Params(n_firms=400), replicates=2, seeds=1, progress=False).table.to_csv(
        folder / "fit_report.csv", index=False
    )
    out = plot_results(folder, fit_replicates=0, formats=("png",))  # 0: no fit to compute
    assert "fit" in out.paths
    assert out.folder == folder / "figures"


@pytest.fixture(scope="module")
def experiment_dir(tmp_path_factory) -> Path:
    from aiadopt.experiments import execute_experiment

    out = tmp_path_factory.mktemp("exp") / "exp"
    execute_experiment(
        ["baseline", "strategy"],
        replicates=2,
        workers=1,
        firms=150,
        until="2025-09",
        out=out,
        progress=False,
        metrics="all",
    )
    return out


def test_plot_an_experiment_folder(experiment_dir: Path, tmp_path: Path) -> None:
    data = load_results_folder(experiment_dir)
    assert data.kind == "experiment"
    assert data.scenarios == ["baseline", "strategy"]
    assert data.summary is not None and len(data.summary)
    assert data.meta["root_seed"] == 42 and data.meta["replicates"] == 2
    out = plot_results(experiment_dir, tmp_path / "f", fit_replicates=0, formats=("png",))
    assert set(out.paths) == set(FIGURES) - {"fit"}


def test_cli_plot(run_dir: Path, tmp_path: Path, capsys) -> None:
    code = main(["plot", str(run_dir), "--out", str(tmp_path / "p"), "--fit-replicates", "0"])
    assert code == 0, capsys.readouterr().err
    assert "stage_shares.png" in capsys.readouterr().out
    assert (tmp_path / "p" / "gains.svg").is_file()


def test_cli_plot_names_a_folder_that_is_not_results(tmp_path: Path, capsys) -> None:
    code = main(["plot", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("aiadopt: error: ")
    assert str(tmp_path) in err and "trajectories.parquet" in err


def test_cli_run_with_plot(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(pl, "DEFAULT_FIT_REPLICATES", 2)  # a small fit, still drawn
    out = tmp_path / "r"
    code = main(["run", "--firms", "300", "--until", "2025-04", "--out", str(out), "--quiet",
                 "--plot"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    names = {p.name for p in (out / "figures").iterdir()}
    assert {"deployed_views.png", "fit.png", "fit.svg"} <= names
    assert "Wrote 6 figures" in capsys.readouterr().out


def test_cli_experiment_with_plot(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(pl, "DEFAULT_FIT_REPLICATES", 0)  # no fit: keep the test fast
    out = tmp_path / "e"
    code = main(["experiment", "baseline", "training", "--replicates", "2", "--workers", "1",
                 "--firms", "150", "--until", "2025-06", "--out", str(out), "--quiet",
                 "--plot"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    names = {p.stem for p in (out / "figures").iterdir()}
    # the experiments' default metrics keep enthusiasm and use-case interest: every figure
    assert {"stage_shares", "share_at_scale", "effects", "gains", "deployed_views",
            "hype_cycle"} <= names  # fmt: skip
