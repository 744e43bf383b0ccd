"""The figures of trajectories over time, each on a small results table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer

from aiadopt.views.series import MissingDataError
from aiadopt.views.style import SURVEY_DATE, figure_title
from aiadopt.views.trajectories import (
    USECASES,
    plot_deployed_views,
    plot_gains,
    plot_hype_cycle,
    plot_share_at_scale,
    plot_stage_shares,
)

from .helpers import (
    MONTHS,
    check_common,
    data_axes,
    labelled_lines,
    legend_texts,
    make_results,
    survey_lines,
    title_of,
)


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


def test_stage_shares_set_the_study_against_the_models_answer(results, fit_table) -> None:
    from aiadopt.views.study import ROLE_WEIGHTS, model_answer

    fig = plot_stage_shares(results, scenarios=["baseline"], fit=fit_table)
    (ax,) = data_axes(fig)
    # the study's three shares and the model surveyed as the study was, beside them
    marks = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(marks) == 6
    answer = model_answer(fit_table, "in_place_share")
    assert answer is not None
    assert any(float(c.lines[0].get_ydata()[0]) == pytest.approx(answer[0]) for c in marks)
    # the line of respondents saying "in place": the two views mixed 114:117
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(MONTHS)]
    sel = results[(results["scenario"] == "baseline") & (results["group"] == "all")]
    views = sel.groupby(["metric", "date"], observed=True)["value"].mean()
    expected = 100 * (
        ROLE_WEIGHTS["technique"] * views["deployed_view.technique"]
        + ROLE_WEIGHTS["business"] * views["deployed_view.business"]
    )
    assert line.get_ydata() == pytest.approx(expected.to_numpy())
    texts = legend_texts(fig)
    assert 'model: respondents saying "in place"' in texts
    assert any(t.startswith("model answer: in place") for t in texts)
    legend = fig.subfigs[1].legends[0]
    assert "not what respondents say" in legend.get_title().get_text()


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


def _series(results, scenario):
    rows = results[
        (results["scenario"] == scenario)
        & (results["metric"] == "stage_share.scaled")
        & (results["group"] == "all")
    ]
    return rows.pivot_table(index="date", columns="replicate", values="value", observed=True)


def test_share_at_scale_levels_and_paired_effects(results) -> None:
    fig = plot_share_at_scale(
        results, starts={"strategy": "2025-06", "no_success_factors": "2021-01"}
    )
    check_common(fig)
    levels, effects = data_axes(fig)
    lines = labelled_lines(levels)
    assert set(lines) == {"baseline (reference)", "strategy", "no success factors"}
    # levels: only the reference carries a replicate band (the others' would overlap)
    assert len([c for c in levels.collections if isinstance(c, PolyCollection)]) == 1
    last = _series(results, "strategy").iloc[-1].mean()
    assert lines["strategy"].get_ydata()[-1] == pytest.approx(100 * last)
    # effects: the paired difference to the reference, replicate by replicate, with its band
    diffs = labelled_lines(effects)
    assert set(diffs) == {"strategy", "no success factors"}
    paired = (_series(results, "strategy") - _series(results, "baseline")).iloc[-1]
    assert diffs["strategy"].get_ydata()[-1] == pytest.approx(100 * paired.mean())
    assert len([c for c in effects.collections if isinstance(c, PolyCollection)]) == 2
    # the intervention's start is marked on both panels
    start = pd.Timestamp("2025-06-01")
    for ax in (levels, effects):
        assert any(ln.get_xdata()[0] == start for ln in ax.get_lines() if len(ln.get_xdata()) == 2)
    assert "interventions start\nJun 2025" in [t.get_text() for t in effects.texts]
    # the legend of the levels lists the scenarios by their last value, highest first
    texts = legend_texts(fig)
    assert texts[texts.index("strategy") + 1] == "baseline (reference)"


def test_share_at_scale_of_one_run_is_titled_as_one_run(run_tidy) -> None:
    fig = plot_share_at_scale(run_tidy)
    (ax,) = data_axes(fig)
    assert list(labelled_lines(ax)) == ["this run"]
    assert "scenario" not in figure_title(fig) and "one run" in figure_title(fig)
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


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


def test_hype_cycle_marks_the_studys_interest(results) -> None:
    from aiadopt.views.trajectories import study_interest

    fig = plot_hype_cycle(results)
    _, bottom = data_axes(fig)
    marks = [c for c in bottom.containers if isinstance(c, ErrorbarContainer)]
    # the study gives both roles' interest for content, personalisation and test automation
    assert len(marks) == 3
    content = study_interest("content")
    assert content is not None and 70 < content[0] < 80  # 73% Technique, 77% Business
    assert any(float(c.lines[0].get_ydata()[0]) == pytest.approx(content[0]) for c in marks)
    # the title promises a hype cycle only when the curve has a peak and a valley
    top = data_axes(fig)[0]
    assert "hype cycle" in figure_title(fig).lower()
    assert any(t.get_text().startswith("peak of expectations") for t in top.texts)
    rising = results.copy()
    enthusiasm = (rising["metric"] == "enthusiasm").to_numpy()
    rank = pd.to_datetime(rising["date"]).rank(method="dense")
    rising.loc[enthusiasm, "value"] = 0.3 + 0.01 * rank[enthusiasm]
    fig = plot_hype_cycle(rising)
    assert "hype cycle" not in figure_title(fig).lower()
    assert not [t for t in data_axes(fig)[0].texts if t.get_text().startswith("peak")]


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
    # their values are written above the axes, off the lines
    (label,) = [t for t in axes[0].texts if t.get_text().startswith("study:")]
    assert label.get_text() == "study: 7.6% expected, 5.4% realised"
    assert label.xy[1] >= 1.0 and label.xycoords == "axes fraction"
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


def test_a_period_fixes_the_time_axis_and_marks_the_study(run_tidy) -> None:
    """The dashboard draws a run under way on the axis of the whole run: the period, not the
    months so far, sets the axis, and the study is marked as soon as the period reaches it."""
    early = run_tidy[pd.to_datetime(run_tidy["date"]) < SURVEY_DATE]
    fig = plot_stage_shares(early, period=("2022-11-01", "2030-12-01"))
    (ax,) = data_axes(fig)
    low, high = ax.get_xlim()
    import matplotlib.dates as mdates

    assert mdates.num2date(low).year == 2022 and mdates.num2date(high).year == 2030
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 3
