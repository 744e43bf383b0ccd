"""The figure of the paired effects of the interventions."""

from __future__ import annotations

import pytest

from aiadopt.experiments.summary import summarise
from aiadopt.views.effects import plot_effects
from aiadopt.views.series import MissingDataError

from .helpers import check_common, data_axes, make_results, title_of


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


def test_effects_say_what_each_scenario_changes(results) -> None:
    """The subtitle lists each compared scenario's description (which firms, which state,
    from when), one line each, from the folder's manifest; none without descriptions."""
    meta = {"scenario_descriptions": {"strategy": "Half of the engaged firms adopt it from 2025-06",
                                      "no_success_factors": "No firm has them, from 2022-11",
                                      "baseline": "No intervention"}}  # fmt: skip

    def header(fig) -> str:
        return "\n".join(t.get_text() for t in fig.subfigs[0].texts)

    text = header(plot_effects(summarise(results), meta=meta))
    lines = text.splitlines()
    assert "strategy: Half of the engaged firms adopt it from 2025-06" in lines
    assert "no success factors: No firm has them, from 2022-11" in lines
    assert "No intervention" not in text  # the reference is not an effect
    assert "from 2025-06" not in header(plot_effects(summarise(results)))


def test_effects_draw_the_predictive_interval_behind_the_ci(results) -> None:
    summary = summarise(results)
    axes = data_axes(plot_effects(summary))
    thin = [ln for ln in axes[0].get_lines() if ln.get_marker() == "|"]
    rows = summary[(summary["indicator"] == "share_scaled") & summary["diff"].notna()]
    assert len(thin) == len(rows)  # one per scenario and month
    for r in rows.itertuples():
        want = [100 * r.effect_ppi_05, 100 * r.effect_ppi_95]
        assert any(list(ln.get_xdata()) == pytest.approx(want) for ln in thin)
    # a summary saved before the interval existed is drawn without it
    old = summary.drop(columns=["effect_ppi_05", "effect_ppi_95"])
    assert not [ln for ln in data_axes(plot_effects(old))[0].get_lines() if ln.get_marker() == "|"]
