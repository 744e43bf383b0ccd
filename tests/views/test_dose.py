"""Figures of effects across the uncertainty and the dose (aiadopt.views.dose), the sweep
colours and the interventions' start on the time figures."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb

from aiadopt.experiments.summary import paired_differences
from aiadopt.views.dose import (
    dose_months,
    plot_dose_heatmap,
    plot_dose_response,
    plot_effect_distribution,
    sweep_families,
)
from aiadopt.views.figures import draw_figures
from aiadopt.views.folder import load_results_folder
from aiadopt.views.series import scenario_colours
from aiadopt.views.style import axes_of

START = pd.Timestamp("2025-06-01")


def _luminance(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _effects(results: pd.DataFrame, month: str) -> pd.Series:
    """Mean paired effect on share at scale (points) per scenario, computed apart."""
    at = results[(results["metric"] == "stage_share.scaled") & (results["group"] == "all")
                 & (results["date"] == pd.Timestamp(f"{month}-01"))]  # fmt: skip
    wide = at.pivot(index="replicate", columns="scenario", values="value")
    return 100 * wide.sub(wide["baseline"], axis=0).mean()


@pytest.fixture(scope="module")
def sweep(sweep_dir: Path):
    return load_results_folder(sweep_dir)


def test_sweep_families_read_the_levers_and_values(sweep) -> None:
    families = {f.name: f for f in sweep_families(sweep.meta, sweep.scenarios)}
    assert set(families) == {"dose", "mix"}
    assert families["dose"].levers == ("intervention.training.share",)
    assert families["dose"].values(0) == [0.0, 0.5, 1.0]
    assert families["mix"].levers == ("intervention.strategy.share",
                                      "intervention.training.share")  # fmt: skip
    assert families["mix"].values(1) == [0.1, 0.8]
    assert sweep_families({}, sweep.scenarios) == []


def test_dose_response_draws_each_month_in_order_at_the_lever_values(sweep) -> None:
    family = next(f for f in sweep_families(sweep.meta, sweep.scenarios) if f.name == "dose")
    months = ["2025-07", "2025-09"]
    fig = plot_dose_response(sweep.results, family, meta=sweep.meta, months=months,
                             indicators=["share_scaled"])  # fmt: skip
    ax = axes_of(fig)[0]
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in lines] == ["Jul 2025", "Sep 2025"]
    # ordered colours: viridis, the earlier month darker
    assert _luminance(lines[0].get_color()) < _luminance(lines[1].get_color())
    want = _effects(sweep.results, "2025-09")
    points = sorted(family.points, key=lambda n: family.points[n])
    assert lines[1].get_ydata() == pytest.approx([want[p] for p in points])
    x = np.asarray(lines[1].get_xdata())
    assert x - x[0] == pytest.approx([0.0, 0.5, 1.0])  # the lever's values (dodged alike)


def test_the_heatmap_holds_the_mean_effect_of_each_mix(sweep) -> None:
    family = next(f for f in sweep_families(sweep.meta, sweep.scenarios) if f.name == "mix")
    fig = plot_dose_heatmap(sweep.results, family, meta=sweep.meta, indicators=["share_scaled"])
    image = axes_of(fig)[0].images[0]
    grid = np.asarray(image.get_array())
    want = _effects(sweep.results, "2025-09")
    for name, (a, b) in family.points.items():
        row, col = family.values(1).index(b), family.values(0).index(a)
        assert grid[row, col] == pytest.approx(want[name])
    assert image.norm.vcenter == 0.0  # diverging around no effect
    with pytest.raises(ValueError, match="sweeps 2 levers"):
        plot_dose_response(sweep.results, family)


def test_the_distribution_shows_each_replicates_own_effect(sweep) -> None:
    fig = plot_effect_distribution(sweep.results, meta=sweep.meta, indicators=["share_scaled"])
    ax = axes_of(fig)[0]
    dots = np.sort(np.concatenate([np.asarray(c.get_offsets())[:, 0] for c in ax.collections
                                   if isinstance(c, PathCollection)]))  # fmt: skip
    d = paired_differences(sweep.results, "share_scaled", ["2025-09"])
    assert dots == pytest.approx(np.sort(100 * d["diff"].to_numpy()))
    texts = [t.get_text() for t in ax.texts]
    same = d.groupby("scenario")["diff"].agg(lambda x: bool((x == 0).all()))
    assert sum(t.startswith("P(raises) ") for t in texts) == int((~same).sum())
    assert texts.count("no change") == int(same.sum()) >= 1  # a share of 0 changes nothing


def test_the_folder_draws_the_sweep_figures(sweep) -> None:
    figures, skipped = draw_figures(sweep)
    assert {"dose_response", "dose_heatmap", "effect_distribution"} <= set(figures)
    assert "dose_response" not in skipped and "dose_heatmap" not in skipped


def test_sweep_points_get_an_ordered_scale() -> None:
    names = ["baseline", "s[share=0.5]", "s[share=0.1]", "other", "s[share=0.9]"]
    colours = scenario_colours(names, "baseline")
    viridis = mpl.colormaps["viridis"]
    darkest = _luminance(viridis(0.0))
    assert _luminance(colours["s[share=0.1]"]) == pytest.approx(darkest, abs=0.01)
    shades = [_luminance(colours[f"s[share={v}]"]) for v in ("0.1", "0.5", "0.9")]
    assert shades == sorted(shades)
    assert colours["other"] not in {colours[n] for n in names if "[" in n}


def _vertical_at(ax, when: pd.Timestamp) -> bool:
    x = mdates.date2num(when)
    for line in ax.get_lines():
        xs = line.get_xdata()
        if len(xs) == 2:
            try:
                values = [mdates.date2num(v) if not np.isscalar(v) or isinstance(v, pd.Timestamp)
                          else float(v) for v in xs]  # fmt: skip
            except (TypeError, ValueError):
                continue
            if values[0] == values[1] == pytest.approx(x):
                return True
    return False


@pytest.mark.parametrize("name", ["stage_shares", "share_at_scale", "hype_cycle", "gains",
                                  "deployed_views"])  # fmt: skip
def test_every_time_figure_marks_the_interventions_start(experiment_dir: Path, name) -> None:
    data = load_results_folder(experiment_dir)
    assert data.meta["intervention_starts"] == {"strategy": "2025-06"}
    figures, _ = draw_figures(data)
    dated = (mdates.DateFormatter, mdates.ConciseDateFormatter)
    time_axes = [
        ax
        for ax in axes_of(figures[name])
        if ax.get_visible() and isinstance(ax.xaxis.get_major_formatter(), dated)
    ]
    assert time_axes
    assert all(_vertical_at(ax, START) for ax in time_axes)
    labels = [t.get_text() for ax in time_axes for t in ax.texts]
    assert any("start" in t and "Jun 2025" in t for t in labels)


def test_dose_months_are_decembers_after_the_start() -> None:
    dates = pd.date_range("2022-11-01", "2030-12-01", freq="MS")
    results = pd.DataFrame({"date": dates})
    assert dose_months(results, {"s": "2025-06"}) == ["2025-12", "2027-12", "2028-12",
                                                      "2030-12"]  # fmt: skip
