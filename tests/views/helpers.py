"""Small results tables for the tests of the views, and what to look for in a figure."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aiadopt.views.style import STAGE_COLOURS, SURVEY_DATE, axes_of, figure_title
from aiadopt.views.trajectories import USECASES

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
