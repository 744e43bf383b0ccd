"""Plots of the project: functions that take DataFrames and return matplotlib Figures.

Rules: a plot function never touches a model (it is given tables); it builds a
:class:`matplotlib.figure.Figure` on the Agg canvas, never through pyplot's global state, so
figures can be made in threads, tests and headless runs and saved with ``fig.savefig`` (or
:func:`save_figure`: PNG and SVG, atomically).  Nothing in the model imports this module.

The project's look is defined once, here: :data:`STYLE` (matplotlib rc settings, applied with
:func:`style`), :data:`PALETTE` (colours by role) and the colours of stages, functions,
scenarios and use cases below.  Every figure of results has a title and a subtitle saying
what is drawn, axis labels with units, dates on the time axis with the survey month (March
2025) marked, a legend outside the data and a footer with the version, seed(s) and parameter
hash.

Figures of results (each takes a tidy table: a run's ``date, metric, group, value`` or an
experiment's ``scenario, replicate, seed, date, metric, group, value``):

- :func:`plot_stage_shares`: stacked stage shares over time, one panel per scenario;
- :func:`plot_share_at_scale`: share of firms at scale, every scenario, replicate bands;
- :func:`plot_effects`: paired effects of the interventions (from the experiment's summary);
- :func:`plot_hype_cycle`: enthusiasm and interest in each use case over time;
- :func:`plot_gains`: expected against realised gains;
- :func:`plot_deployed_views`: the Technique and Business views of "deployed";
- :func:`plot_fit`: the calibration fit (from the fit report's table).

:func:`plot_results` reads a results folder (an experiment's or a run's), draws them all and
saves them (``aiadopt plot``).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FIGURES",
    "FIT_PANELS",
    "PALETTE",
    "ROLE_COLOURS",
    "SCENARIO_COLOURS",
    "STAGE_COLOURS",
    "STYLE",
    "MissingDataError",
    "PlotOutput",
    "Results",
    "ResultsError",
    "as_results",
    "axes_of",
    "draw_figures",
    "figure_png",
    "figure_title",
    "labels_of",
    "load_results_folder",
    "new_figure",
    "plot_deployed_views",
    "plot_effects",
    "plot_fit",
    "plot_gains",
    "plot_hype_cycle",
    "plot_results",
    "plot_share_at_scale",
    "plot_stage_shares",
    "save_figure",
    "style",
]

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10.5,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.5,
    "axes.edgecolor": "0.35",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "xtick.color": "0.25",
    "ytick.color": "0.15",
    "legend.fontsize": 10,
    "legend.frameon": False,
    "figure.titlesize": 16,
    "figure.titleweight": "bold",
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "svg.fonttype": "none",
}
"""Matplotlib rc settings of every figure of the project (see :func:`style`)."""

PALETTE: dict[str, str] = {
    "study": "#9ecae1",  # the study's 95% interval
    "study_edge": "#6baed6",  # hatching of a bound's allowed side
    "study_value": "#08306b",  # the study's point value
    "bound": "#c6dbef",  # the allowed side of a study bound
    "model": "#1b7837",  # model band and median, target inside
    "miss": "#d6604d",  # model band and median, target outside
    "miss_text": "#b2182b",
    "miss_row": "#fde0dd",  # background of a row whose target misses
    "stripe": "#f4f4f4",  # alternate rows
    "grid": "#d9d9d9",
    "muted": "#737373",  # not modelled, footers
    "zero": "#404040",
    "reference": "#262626",  # the reference scenario (baseline)
    "survey": "#525252",  # the survey month (March 2025) on time axes
    "effect_up": "#1b7837",  # an intervention's effect above 0
    "effect_down": "#b2182b",  # an intervention's effect below 0
}
"""Colours by role, shared by every plot of the project."""


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` while a figure is built (rc settings are read at creation)."""
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        yield


def new_figure(width: float, height: float, **kwargs: Any):
    """A Figure on the Agg canvas (no pyplot), constrained layout; call inside :func:`style`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    kwargs.setdefault("layout", "constrained")
    fig = Figure(figsize=(width, height), **kwargs)
    FigureCanvasAgg(fig)
    return fig


# --- fit report -----------------------------------------------------------------------------------

FIT_PANELS: dict[str, str] = {
    "share": "shares of respondents",
    "ordering": "orderings (greater - lesser)",
    "gain": "mean gains",
}
"""Panels of :func:`plot_fit` in each section, by kind of x axis."""

_SECTION_TITLES = {
    "calibration": "CALIBRATION targets (fitted)",
    "validation": "VALIDATION targets (held out, never fitted)",
}
_X_LABELS = {
    "share": "Share of the target's base (%)",
    "ordering": "Difference greater - lesser (percentage points)",
    "gain": "Mean gain (%)",
}
_ROW_IN = 0.25  # figure height per target row, inches
_PANEL_IN = 1.05  # extra height per panel (title, x axis), inches
_SECTION_IN = 0.55  # extra height per section header, inches
_TOP_IN = 1.7  # title, subtitle and legend, inches
_WIDTH_IN = 13.0


def _panel_of(row: pd.Series) -> str:
    if row["kind"] == "ordering":
        return "ordering"
    return "gain" if row["scale"] == "percent" else "share"


def _as_bool(x: Any) -> bool:
    return bool(x) if x is not None and not pd.isna(x) else False


def _labels(rows: pd.DataFrame) -> list[str]:
    if "label" in rows.columns:
        return [str(x) for x in rows["label"]]
    return [str(x).replace("_", " ") for x in rows["id"]]


def _panels(table: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(section, panel, rows) in drawing order; empty panels are left out."""
    kinds = table.apply(_panel_of, axis=1) if len(table) else pd.Series(dtype=object)
    out = []
    sections = list(dict.fromkeys([*_SECTION_TITLES, *table["section"].unique()]))
    for section in sections:
        for panel in FIT_PANELS:
            rows = table[(table["section"] == section) & (kinds == panel)]
            if len(rows):
                out.append((section, panel, rows))
    return out


def _factor(rows: pd.DataFrame, panel: str) -> float:
    """Multiplier to the axis unit: shares (and share orderings) to percent."""
    if panel == "share":
        return 100.0
    if panel == "ordering":
        return 100.0 if (rows["scale"] == "share").all() else 1.0
    return 1.0


def _draw_panel(ax, rows: pd.DataFrame, panel: str) -> None:
    import textwrap

    from matplotlib.ticker import MultipleLocator

    f = _factor(rows, panel)
    n = len(rows)
    ys = np.arange(n)
    reasons: list[str] = []
    x0, x1 = _xlim(rows, panel, f)
    ax.set_xlim(x0, x1)
    for y, row in zip(ys, rows.to_dict("records"), strict=True):
        modelled = _as_bool(row["modelled"])
        inside = _as_bool(row["inside"])
        miss = modelled and not inside
        if miss:
            ax.axhspan(y - 0.5, y + 0.5, color=PALETTE["miss_row"], zorder=0, lw=0)
        elif y % 2 == 1:
            ax.axhspan(y - 0.5, y + 0.5, color=PALETTE["stripe"], zorder=0, lw=0)

        kind = row["kind"]
        if kind in ("proportion", "mean"):
            lo, hi, v = row["study_low"] * f, row["study_high"] * f, row["study_value"] * f
            ax.barh(y, hi - lo, left=lo, height=0.62, color=PALETTE["study"], zorder=2, lw=0)
            ax.plot([v, v], [y - 0.31, y + 0.31], color=PALETTE["study_value"], lw=2.2, zorder=3)
        elif kind == "bound":
            v = row["study_value"] * f
            edge = x0 if row["bound"] == "upper" else x1
            left, width = min(v, edge), abs(edge - v)
            ax.barh(
                y,
                width,
                left=left,
                height=0.62,
                color=PALETTE["bound"],
                hatch="////",
                edgecolor=PALETTE["study_edge"],
                lw=0,
                zorder=2,
            )
            ax.plot([v, v], [y - 0.36, y + 0.36], color=PALETTE["study_value"], lw=2.6, zorder=3)
        elif kind == "ordering":
            ax.barh(
                y,
                x1,
                left=0.0,
                height=0.62,
                color=PALETTE["bound"],
                hatch="////",
                edgecolor=PALETTE["study_edge"],
                lw=0,
                zorder=2,
            )

        if not modelled:
            reasons.append(str(row.get("reason") or "no reason given"))
            # "not modelled" on the free side of the study's interval, never over it
            lo = row["study_low"] * f if math.isfinite(row["study_low"]) else 0.0
            hi = row["study_high"] * f if math.isfinite(row["study_high"]) else lo
            right = (x1 - hi) >= (lo - x0)
            ax.text(
                (hi + 0.01 * (x1 - x0)) if right else (lo - 0.01 * (x1 - x0)),
                y,
                "not modelled",
                va="center",
                ha="left" if right else "right",
                fontsize=9.5,
                style="italic",
                color=PALETTE["muted"],
                zorder=4,
            )
            continue
        med, p05, p95 = row["model_median"] * f, row["model_p05"] * f, row["model_p95"] * f
        colour = PALETTE["miss"] if miss else PALETTE["model"]
        if math.isfinite(p05) and math.isfinite(p95):
            ax.plot([p05, p95], [y, y], color=colour, lw=2.0, solid_capstyle="butt", zorder=4)
            ax.plot(
                [p05, p95], [y, y], ls="none", marker="|", ms=7, mew=1.6, color=colour, zorder=4
            )
        if math.isfinite(med):
            ax.plot(
                med,
                y,
                ls="none",
                marker="D" if miss else "o",
                ms=7 if miss else 6.5,
                mfc=colour,
                mec="white",
                mew=0.8,
                zorder=5,
                clip_on=False,
            )

    ax.set_ylim(n - 0.5, -0.5)  # first target at the top
    ax.set_yticks(ys, _labels(rows))
    ax.tick_params(axis="y", length=0, pad=6)
    for tick, row in zip(ax.get_yticklabels(), rows.to_dict("records"), strict=True):
        if _as_bool(row["modelled"]) and not _as_bool(row["inside"]):
            tick.set_color(PALETTE["miss_text"])
            tick.set_fontweight("bold")
        elif not _as_bool(row["modelled"]):
            tick.set_color(PALETTE["muted"])
    ax.grid(axis="x", color=PALETTE["grid"], lw=0.6, zorder=1)
    xlabel = _X_LABELS[panel] if f == 100.0 or panel != "ordering" else "Difference (points)"
    if reasons:
        note = "Not modelled (grey rows, not counted): " + "; ".join(dict.fromkeys(reasons))
        xlabel += "\n" + "\n".join(textwrap.wrap(note, 110))
    ax.set_xlabel(xlabel)

    if panel == "share":
        ax.xaxis.set_major_locator(MultipleLocator(10))
        ax.tick_params(axis="x", labeltop=True, top=True)
    elif panel == "ordering":
        ax.axvline(0, color=PALETTE["zero"], lw=1.2, zorder=3)


def _xlim(rows: pd.DataFrame, panel: str, f: float) -> tuple[float, float]:
    """x range of a panel: 0-100% for shares; symmetric about 0 for orderings; from 0 to
    past the largest value for gains."""
    if panel == "share":
        return 0.0, 100.0
    cols = ["model_p05", "model_p95", "model_median", "study_low", "study_high", "study_value"]
    values = [
        float(v) * f
        for c in cols
        if c in rows.columns
        for v in rows[c]
        if v is not None and pd.notna(v) and math.isfinite(float(v))
    ]
    if panel == "ordering":
        span = max([abs(v) for v in values] + [5.0]) * 1.15
        return -span, span
    low = min([0.0, *values])
    return low, max([1.0, *values]) * 1.08


def _legend_handles():
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Line2D([], [], color=PALETTE["study_value"], lw=2.4, label="Study value"),
        Patch(facecolor=PALETTE["study"], label="Study 95% interval (from its base n)"),
        Patch(
            facecolor=PALETTE["bound"],
            hatch="////",
            edgecolor=PALETTE["study_edge"],
            lw=0,
            label="Study bound: allowed side (orderings: > 0)",
        ),
        Line2D(
            [],
            [],
            color=PALETTE["model"],
            lw=2,
            marker="o",
            ms=6.5,
            mec="white",
            label="Model median and 90% band: inside",
        ),
        Line2D(
            [],
            [],
            color=PALETTE["miss"],
            lw=2,
            marker="D",
            ms=7,
            mec="white",
            label="Model median and 90% band: outside",
        ),
        Patch(facecolor=PALETTE["miss_row"], label="Target outside (row and label in red)"),
    ]


def _draw_header(header, title: str | None, subtitle: str | None) -> None:
    """Title, subtitle and legend in the top sub-figure (fixed height, so nothing overlaps)."""
    import textwrap

    header.text(
        0.01,
        0.97,
        title or "Model against study: every calibration and validation target",
        ha="left",
        va="top",
        fontsize=STYLE["figure.titlesize"],
        fontweight="bold",
    )
    if subtitle:
        header.text(
            0.01,
            0.74,
            "\n".join(textwrap.wrap(subtitle, 150, break_on_hyphens=False)),
            ha="left",
            va="top",
            fontsize=10,
            color=PALETTE["muted"],
        )
    header.legend(
        handles=_legend_handles(),
        loc="lower left",
        bbox_to_anchor=(0.01, 0.02),
        ncols=3,
        handlelength=2.4,
        columnspacing=2.0,
    )


def _draw_section_header(ax, body, section: str, parts: Sequence[pd.DataFrame]) -> None:
    """A section's header in an empty axes slot: its name and how many targets are inside."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    ax.set_axis_off()
    n_in = sum(int(_as_bool(x)) for r in parts for x in r["inside"])
    n_mod = sum(int(_as_bool(x)) for r in parts for x in r["modelled"])
    n_not = sum(len(r) for r in parts) - n_mod
    share = f" ({100 * n_in / n_mod:.0f}%)" if n_mod else ""
    text = _SECTION_TITLES.get(section, section.upper())
    text += f": {n_in} of {n_mod} modelled targets inside{share}"
    if n_not:
        text += f", {n_not} not modelled (not counted)"
    ax.text(
        0.01,
        0.15,
        text,
        transform=blended_transform_factory(body.transSubfigure, ax.transAxes),
        ha="left",
        va="bottom",
        fontsize=14,
        fontweight="bold",
        in_layout=False,
    )
    rule = Line2D(
        [0.01, 0.99],
        [0.05, 0.05],
        transform=blended_transform_factory(body.transSubfigure, ax.transAxes),
        color="0.3",
        lw=1.0,
        clip_on=False,
    )
    rule.set_in_layout(False)
    ax.add_artist(rule)


def plot_fit(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
):
    """The fit report as a figure: one row per target, the study against the model.

    ``table`` is :func:`aiadopt.calibration.report.build_table`'s table (columns used:
    ``section, id, label (optional), kind, scale, bound, study_value, study_low, study_high,
    model_median, model_p05, model_p95, modelled, inside, reason``).  Calibration and
    validation targets are drawn in separate sections, each with up to three panels: shares
    (proportions and bounds, in percent), orderings (the difference greater - lesser in
    percentage points; the study says it is positive) and mean gains (percent).  Each row
    shows the study's value and 95% interval (bar) or the allowed side of its bound
    (hatched), and the model's 90% band (line) and median (dot); targets outside are
    highlighted in red, targets not modelled are marked as such.

    Returns a :class:`matplotlib.figure.Figure` (Agg canvas); save it with ``fig.savefig``.
    """
    panels = _panels(table)
    if not panels:
        raise ValueError("plot_fit: the table has no target rows")
    sections = list(dict.fromkeys(s for s, _, _ in panels))
    rows_total = sum(len(r) for _, _, r in panels)
    height = _TOP_IN + len(sections) * _SECTION_IN + len(panels) * _PANEL_IN + rows_total * _ROW_IN

    # body rows: a header slot per section, then its panels; one gridspec, so constrained
    # layout gives every panel the same left edge (labels of all sections line up)
    slots: list[tuple[str, Any]] = []
    for section in sections:
        slots.append(("header", section))
        slots += [("panel", (p, r)) for s, p, r in panels if s == section]
    ratios = [
        _SECTION_IN if kind == "header" else _PANEL_IN + len(item[1]) * _ROW_IN
        for kind, item in slots
    ]

    with style():
        fig = new_figure(_WIDTH_IN, max(height, 4.0))
        top, body = fig.subfigures(2, 1, height_ratios=[_TOP_IN, sum(ratios)], hspace=0.0)
        _draw_header(top, title, subtitle)
        axes = body.subplots(len(slots), 1, gridspec_kw={"height_ratios": ratios})
        for ax, (kind, item) in zip(np.atleast_1d(axes), slots, strict=True):
            if kind == "header":
                _draw_section_header(ax, body, item, [r for s, _, r in panels if s == item])
            else:
                panel, rows = item
                _draw_panel(ax, rows, panel)
                ax.set_title(f"{FIT_PANELS[panel].capitalize()} ({len(rows)} targets)", pad=22)
    return fig


def labels_of(fig) -> list[list[str]]:
    """The y tick labels of each visible axes of ``fig`` (sub-figures included), top first."""
    return [[t.get_text() for t in ax.get_yticklabels()] for ax in axes_of(fig) if ax.axison]


def axes_of(fig) -> list:
    """Every axes of ``fig``, its sub-figures' included, in drawing order."""
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", []):
        axes += [a for a in axes_of(sub) if a not in axes]
    return axes


# --- results: common helpers --------------------------------------------------------------------

STAGE_COLOURS: dict[str, str] = {
    "not_engaged": "#e3e3e3",
    "planned": "#c6dbef",
    "experimenting": "#6baed6",
    "deployed": "#2171b5",
    "scaled": "#08306b",
}
"""Colour of each adoption stage (light: not engaged, dark: scaled)."""

STAGE_NAMES: dict[str, str] = {
    "not_engaged": "not engaged",
    "planned": "planned",
    "experimenting": "experimenting",
    "deployed": "deployed",
    "scaled": "scaled (at scale)",
}
"""English label of each stage in the figures (the study's terms: docs/glossary.md)."""

ROLE_COLOURS: dict[str, str] = {"technique": "#5e3c99", "business": "#e66101"}
"""Colour of the Technique and Business functions."""

SCENARIO_COLOURS: tuple[str, ...] = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
)
"""Colours of the scenarios other than the reference (Okabe-Ito first, colour-blind safe);
the reference scenario is drawn in :data:`PALETTE` ``["reference"]``."""

GAIN_NAMES: dict[str, str] = {"productivity": "Productivity", "cost": "Cost", "revenue": "Revenue"}
"""The study's three kinds of gain (Figures 15-16), in drawing order."""

GAIN_STYLES: dict[str, dict[str, Any]] = {
    "expected": {"color": "#756bb1", "lw": 2.0, "ls": "-"},
    "realised_active": {"color": "#d95f02", "lw": 2.0, "ls": "-"},
    "realised_all": {"color": "#d95f02", "lw": 1.6, "ls": (0, (4, 2))},
}
"""Line styles of the gains figure: expected (all firms), realised (active firms, all firms)."""

USECASES: dict[str, tuple[str, str, Any]] = {
    # use case: (label, colour, line style); the study's Figure 7 family in the style:
    # confirmed success solid, emerging success dashed, below expectations dotted
    "content": ("Content", "#1b7837", "-"),
    "personalisation": ("Personalisation", "#7fbc41", "-"),
    "customer_knowledge": ("Customer knowledge", "#2166ac", (0, (5, 2))),
    "roi_measurement": ("ROI measurement", "#4393c3", (0, (5, 2))),
    "test_automation": ("Test automation", "#b2182b", (0, (1.2, 1.6))),
    "infrastructure": ("Infrastructure", "#e08214", (0, (1.2, 1.6))),
}
"""Use cases of the hype-cycle figure: label, colour and line style (the study's success
family: confirmed solid, emerging dashed, below expectations dotted)."""

USECASE_FAMILIES = (
    ("confirmed success", "-"),
    ("emerging success", (0, (5, 2))),
    ("below expectations", (0, (1.2, 1.6))),
)

SURVEY_DATE = pd.Timestamp("2025-03-01")
"""The study's fieldwork month (3-24 March 2025), marked on every time axis."""

SAVE_DPI = 150
"""Resolution of the saved PNGs (the figures are sized in inches for this)."""

RUN_SCENARIO = "run"
"""Scenario name given to a single run's trajectories (no ``scenario`` column)."""

_BAND_ALPHA = 0.18
_STUDY_MARK = {"fmt": "D", "ms": 6.5, "mec": "white", "mew": 0.9, "elinewidth": 1.4, "capsize": 3.5}


def as_results(tidy: pd.DataFrame) -> pd.DataFrame:
    """``tidy`` with ``scenario`` and ``replicate`` columns: a single run's trajectories
    (``date, metric, group, value``) become scenario ``"run"``, replicate 0."""
    missing = [c for c in ("date", "metric", "group", "value") if c not in tidy.columns]
    if missing:
        raise ValueError(
            f"not a tidy results table: no column {', '.join(missing)} "
            f"(columns: {', '.join(map(str, tidy.columns))})"
        )
    out = tidy
    if "scenario" not in out.columns:
        out = out.assign(scenario=RUN_SCENARIO)
    if "replicate" not in out.columns:
        out = out.assign(replicate=0)
    return out


def scenarios_of(results: pd.DataFrame) -> list[str]:
    """Scenario names in the experiment's order (categorical order, else first appearance)."""
    col = as_results(results)["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.unique(col.cat.codes.to_numpy())
        return [str(col.cat.categories[k]) for k in codes if k >= 0]
    return [str(s) for s in pd.unique(col)]


def reference_of(results: pd.DataFrame, reference: str | None = None) -> str:
    """The reference scenario: ``reference`` if given, else ``baseline`` if present, else the
    first scenario."""
    names = scenarios_of(results)
    if not names:
        raise ValueError("the results table is empty")
    if reference is not None:
        if reference not in names:
            raise ValueError(f"scenario {reference!r} is not among {', '.join(names)}")
        return reference
    return "baseline" if "baseline" in names else names[0]


def scenario_label(name: str) -> str:
    """A scenario's name as printed in figures (underscores to spaces)."""
    return str(name).replace("_", " ")


def scenario_colours(names: Sequence[str], reference: str | None) -> dict[str, str]:
    """A fixed colour per scenario: the reference in dark grey, the others in order."""
    out, k = {}, 0
    for name in names:
        if name == reference:
            out[name] = PALETTE["reference"]
        else:
            out[name] = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            k += 1
    return out


def metrics_of(results: pd.DataFrame) -> set[str]:
    """The metric names present in ``results``."""
    col = results["metric"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return {str(m) for m in col.cat.categories[np.unique(col.cat.codes[col.cat.codes >= 0])]}
    return {str(m) for m in pd.unique(col)}


def _rows(
    results: pd.DataFrame,
    metrics: str | Sequence[str],
    group: str | None = None,
    scenario: str | None = None,
) -> pd.DataFrame:
    """Rows of the given metrics (and group, scenario), with plain string columns."""
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    rows = results.loc[
        results["metric"].isin(names).to_numpy(),
        ["scenario", "replicate", "date", "metric", "group", "value"],
    ]
    if group is not None:
        rows = rows[(rows["group"] == group).to_numpy()]
    if scenario is not None:
        rows = rows[(rows["scenario"] == scenario).to_numpy()]
    return rows.assign(
        scenario=rows["scenario"].astype(str),
        metric=rows["metric"].astype(str),
        group=rows["group"].astype(str),
        date=pd.to_datetime(rows["date"]),
    )


def replicate_band(rows: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """Per date: ``mean`` over replicates, ``low`` and ``high`` (5th and 95th percentiles of
    the replicates), ``n`` replicates; values multiplied by ``scale``.  ``rows`` hold one
    series (one scenario, metric and group)."""
    wide = rows.groupby(["date", "replicate"])["value"].mean().unstack("replicate")
    wide = wide.sort_index().astype(float) * scale
    return pd.DataFrame(
        {
            "mean": wide.mean(axis=1),
            "low": wide.quantile(0.05, axis=1),
            "high": wide.quantile(0.95, axis=1),
            "n": wide.notna().sum(axis=1),
        }
    )


def _n_replicates(results: pd.DataFrame) -> int:
    counts = results.groupby(results["scenario"].astype(str), observed=True)["replicate"].nunique()
    return int(counts.max()) if len(counts) else 0


def _n_replicates_of(results: pd.DataFrame, scenario: str) -> int:
    return int(results.loc[(results["scenario"] == scenario).to_numpy(), "replicate"].nunique())


def _band_text(n: int) -> str:
    if n <= 1:
        return "one run (no replicate band)"
    return f"line: mean of {n} replicates; band: 5th-95th percentile of the replicates"


def footer_text(meta: Mapping[str, Any] | None) -> str:
    """One line saying where a figure's numbers come from: version, seed(s), parameter hash,
    firms, replicates (whatever ``meta`` has)."""
    meta = dict(meta or {})
    parts = []
    if meta.get("aiadopt_version"):
        parts.append(f"aiadopt {meta['aiadopt_version']}")
    if meta.get("seed") not in (None, ""):
        parts.append(f"seed {meta['seed']}")
    if meta.get("root_seed") not in (None, ""):
        parts.append(f"root seed {meta['root_seed']}")
    if meta.get("replicates"):
        parts.append(f"{meta['replicates']} replicates per scenario")
    if meta.get("firms"):
        parts.append(f"{int(meta['firms']):,} firms")
    if meta.get("param_hash"):
        parts.append(f"parameters {meta['param_hash']}")
    parts.append("study: Publicis Sapient France 2025, 231 decision-makers, March 2025")
    return "  ·  ".join(parts)


def _canvas(
    width: float,
    height: float,
    title: str,
    subtitle: str | None = None,
    meta: Mapping[str, Any] | None = None,
):
    """A figure with a header (title, subtitle), a body for the axes and a footer (source).

    Returns ``(fig, body)``; draw the axes in ``body`` (a sub-figure).  Header and footer have
    fixed heights in inches, so titles never collide with axes whatever the figure's size.
    """
    import textwrap

    sub_lines = (
        textwrap.wrap(subtitle, int(width * 12.2), break_on_hyphens=False) if subtitle else []
    )
    head_in = 0.42 + 0.2 * len(sub_lines)
    foot_lines = textwrap.wrap(footer_text(meta), int(width * 16.5), break_on_hyphens=False)
    foot_in = 0.1 + 0.15 * len(foot_lines)
    fig = new_figure(width, height)
    head, body, foot = fig.subfigures(
        3, 1, height_ratios=[head_in, height - head_in - foot_in, foot_in], hspace=0.0
    )
    head.text(
        0.012,
        1.0 - 0.1 / head_in,
        title,
        ha="left",
        va="top",
        fontsize=STYLE["figure.titlesize"] - 1.5,
        fontweight="bold",
    )
    if sub_lines:
        head.text(
            0.012,
            1.0 - 0.44 / head_in,
            "\n".join(sub_lines),
            ha="left",
            va="top",
            fontsize=10,
            color=PALETTE["muted"],
            linespacing=1.25,
        )
    foot.text(
        0.012,
        0.12 / foot_in,
        "\n".join(foot_lines),
        ha="left",
        va="bottom",
        fontsize=8,
        color="0.45",
        linespacing=1.2,
    )
    fig._aiadopt_title = title  # for tests and the HTML report
    return fig, body


def figure_title(fig) -> str:
    """The title a figure of this module was given."""
    return getattr(fig, "_aiadopt_title", "")


def time_axis(ax, start: Any = None, end: Any = None, *, survey_label: bool = True) -> None:
    """Dates on the x axis (years, quarters as minor ticks) from ``start`` to ``end``, and the
    survey month (March 2025) as a dotted line with a label."""
    import matplotlib.dates as mdates

    if start is not None and end is not None and pd.Timestamp(start) < pd.Timestamp(end):
        ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    span_years = 0.0
    if start is not None and end is not None:
        span_years = (pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25
    if span_years > 2.5 or span_years == 0.0:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    else:  # a short run: months (the model's step), never days
        months = max(1, round(span_years * 12))
        locator = mdates.MonthLocator(interval=max(1, math.ceil(months / 9)))
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    lo, hi = ax.get_xlim()
    x = mdates.date2num(SURVEY_DATE)
    if lo <= x <= hi:
        ax.axvline(SURVEY_DATE, color=PALETTE["survey"], lw=1.1, ls=(0, (2, 2)), zorder=5)
        if survey_label:
            ax.annotate(
                "survey\nMar 2025",
                (SURVEY_DATE, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-4, -3),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=8.5,
                color=PALETTE["survey"],
                zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def _percent_axis(ax, *, decimals: int = 0) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(100.0, decimals=decimals))
    ax.grid(axis="y", color=PALETTE["grid"], lw=0.6)


def spread_labels(values: Sequence[float], gap: float) -> list[float]:
    """Label positions near ``values`` (same order) at least ``gap`` apart: overlapping labels
    are pushed apart around their group's mean."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    groups: list[list[int]] = []
    for i in order:
        groups.append([i])
        while len(groups) > 1:
            a, b = groups[-2], groups[-1]
            top_a = np.mean([values[j] for j in a]) + gap * (len(a) - 1) / 2
            low_b = np.mean([values[j] for j in b]) - gap * (len(b) - 1) / 2
            if low_b - top_a >= gap:
                break
            groups[-2:] = [a + b]
    out = [0.0] * len(values)
    for g in groups:
        centre = float(np.mean([values[j] for j in g]))
        for k, j in enumerate(g):
            out[j] = centre + gap * (k - (len(g) - 1) / 2)
    return out


def _date_range(results: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    dates = pd.to_datetime(results["date"])
    return pd.Timestamp(dates.min()), pd.Timestamp(dates.max())


def _draw_band(ax, band: pd.DataFrame, colour: str, label: str | None, **line: Any):
    """A mean line and its replicate band; returns the line."""
    if (band["n"] > 1).any():
        ax.fill_between(
            band.index, band["low"], band["high"], color=colour, alpha=_BAND_ALPHA, lw=0, zorder=2
        )
    style_ = {"lw": 2.0, **line}
    (handle,) = ax.plot(band.index, band["mean"], color=colour, label=label, zorder=3, **style_)
    return handle


def _study_targets() -> dict[str, Any]:
    """The study's targets by id (empty if the calibration package cannot be read)."""
    try:
        from .calibration.targets import load_targets
    except ImportError:  # pragma: no cover
        return {}
    try:
        return {t.id: t for t in load_targets()}
    except Exception:  # pragma: no cover - a broken targets file must not stop the plots
        return {}


def study_value(target_id: str, scale: float = 100.0) -> tuple[float, float, float] | None:
    """A study target's value and 95% interval (times ``scale``), or None if unknown."""
    target = _study_targets().get(target_id)
    if target is None or target.value is None:
        return None
    try:
        from .calibration.targets import study_interval

        low, high = study_interval(target)
    except (ImportError, ValueError):
        low = high = float(target.value)
    return float(target.value) * scale, low * scale, high * scale


def _study_mark(
    ax,
    value: tuple[float, float, float],
    colour: str,
    label: str | None = None,
    *,
    edge: str | None = None,
    shift_days: float = 0.0,
):
    """The study's value (diamond) and 95% interval (error bar) at the survey month, shifted
    by ``shift_days`` (to keep two intervals at the same month apart); ``edge``: the colour
    of the diamond's edge and of the bar (default: white edge, bar in ``colour``)."""
    v, lo, hi = value
    options = dict(_STUDY_MARK)
    if edge is not None:
        options["mec"] = edge
    return ax.errorbar(
        [SURVEY_DATE + pd.Timedelta(days=shift_days)],
        [v],
        yerr=[[v - lo], [hi - v]],
        color=colour,
        mfc=colour,
        ecolor=edge or colour,
        zorder=7,
        label=label,
        **options,
    )


def _stack_of(results: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Mean stage shares (all firms) over the replicates of ``scenario``: date x stage."""
    names = [m for m in metrics_of(results) if m.startswith("stage_share.")]
    rows = _rows(results, names, "all", scenario)
    wide = rows.pivot_table(index="date", columns="metric", values="value", aggfunc="mean")
    wide.columns = [c.split(".", 1)[1] for c in wide.columns]
    known = [s for s in STAGE_COLOURS if s in wide.columns]
    other = sorted(set(wide.columns) - set(known))  # a stage added later still shows
    return wide[known + other].sort_index().fillna(0.0) * 100.0


def _require(results: pd.DataFrame, metrics: Sequence[str], what: str) -> None:
    have = metrics_of(results)
    missing = [m for m in metrics if m not in have]
    if missing:
        raise MissingDataError(
            f"{what}: the results have no {', '.join(missing)} (keep these metrics, e.g. "
            "'aiadopt experiment --metrics all')"
        )


class MissingDataError(ValueError):
    """The results lack the metrics a figure needs (the message names them)."""


# --- stage shares --------------------------------------------------------------------------------

STUDY_STAGE_MARKS = (
    ("engaged", "engaged_share", "#d7301f"),
    ("active", "in_place_or_in_progress_share", "#fc8d59"),
    ("in place", "in_place_share", "#fee090"),
)
"""The study's stage shares marked on the stage figure: key, target id, colour."""


def plot_stage_shares(
    tidy: pd.DataFrame,
    *,
    meta: Mapping[str, Any] | None = None,
    scenarios: Sequence[str] | None = None,
    title: str | None = None,
    study: bool = True,
):
    """Stacked areas of the stage shares of all firms over time, one panel per scenario.

    ``tidy``: a run's trajectories (``date, metric, group, value``) or an experiment's results
    (with ``scenario, replicate``: the mean over replicates is stacked).  Scaled firms at the
    bottom, not engaged at the top; the survey month dotted; with ``study``, the study's
    March 2025 shares (engaged 48%, active 29%, in place 15%, with 95% intervals) marked on
    the matching boundaries.  One scenario: a 10 x 5.6 in figure; more: a grid of panels.
    """
    results = as_results(tidy)
    names = list(scenarios) if scenarios is not None else scenarios_of(results)
    _require(results, ["stage_share.scaled"], "stage shares")
    n = len(names)
    ncols = 1 if n == 1 else min(3, n)
    nrows = math.ceil(n / ncols)
    width, height = (10.0, 5.6) if n == 1 else (4.3 * ncols + 2.3, 3.0 * nrows + 1.35)
    reps = _n_replicates(results)
    firms = (meta or {}).get("firms")
    who = f"{int(firms):,} simulated firms" if firms else "simulated firms"
    if title is None:
        title = (
            f"Generative-AI adoption stages over time, {who}"
            if n == 1
            else "Generative-AI adoption stages over time, by scenario"
        )
    subtitle = "Share of all firms (French firms of 100+ employees) in each stage" + (
        f"; mean of {reps} replicates." if reps > 1 else "."
    )
    marks = {}
    start, end = _date_range(results)
    if study and start <= SURVEY_DATE <= end:  # the study is marked when the run reaches it
        for key, tid, _ in STUDY_STAGE_MARKS:
            value = study_value(tid)
            if value is not None:
                marks[key] = value
        if marks:
            subtitle += (
                " Diamonds: the study's March 2025 shares engaged (planned or beyond), active "
                "(experimenting or beyond) and in place (deployed or scaled), with 95% intervals."
            )
    start, end = _date_range(results)
    with style():
        fig, body = _canvas(width, height, title, subtitle, meta)
        axes = np.atleast_1d(body.subplots(nrows, ncols, sharex=True, sharey=True)).ravel()
        polys = []
        for ax, name in zip(axes, names, strict=False):
            wide = _stack_of(results, name)
            stack = list(reversed(wide.columns))  # most advanced stage at the bottom
            polys = ax.stackplot(
                wide.index,
                [wide[s].to_numpy() for s in stack],
                colors=[STAGE_COLOURS.get(s, f"C{i}") for i, s in enumerate(stack)],
                labels=[STAGE_NAMES.get(s, s.replace("_", " ")) for s in stack],
                edgecolor="white",
                linewidth=0.4,
                zorder=2,
            )
            ax.set_ylim(0, 100)
            _percent_axis(ax)
            ax.grid(axis="y", color="white", alpha=0.45, lw=0.6)
            time_axis(ax, start, end, survey_label=(n == 1 or ax is axes[0]))
            if n > 1:
                ax.set_title(scenario_label(name), fontsize=11.5)
            for key, _, colour in STUDY_STAGE_MARKS:
                if key in marks:
                    _study_mark(ax, marks[key], colour, edge="black")
        for ax in axes[n:]:
            ax.set_visible(False)
        for ax in axes[:n]:
            if ax.get_subplotspec().is_last_row() or n == 1:
                ax.set_xlabel("Month")
            if ax.get_subplotspec().is_first_col():
                ax.set_ylabel("Share of firms (%)")
        handles = list(reversed(polys))
        labels = [h.get_label() for h in handles]
        if marks:
            from matplotlib.lines import Line2D

            for key, _, colour in STUDY_STAGE_MARKS:
                if key in marks:
                    handles.append(
                        Line2D([], [], ls="none", marker="D", ms=6.5, mfc=colour, mec="black")
                    )
                    labels.append(f"study: {key} {marks[key][0]:.0f}%")
        body.legend(handles, labels, title="Stage", loc="outside right upper", alignment="left")
    return fig


# --- share at scale ------------------------------------------------------------------------------


def plot_share_at_scale(
    tidy: pd.DataFrame,
    *,
    meta: Mapping[str, Any] | None = None,
    reference: str | None = None,
):
    """The share of firms at scale (``stage_share.scaled``, all firms) over time, every
    scenario on one axes: the mean over replicates and the band of the replicates (5th-95th
    percentile).  The legend lists the scenarios in the order of their last value, top first."""
    results = as_results(tidy)
    _require(results, ["stage_share.scaled"], "share at scale")
    names = scenarios_of(results)
    ref = reference_of(results, reference)
    colours = scenario_colours(names, ref)
    reps = _n_replicates(results)
    rows = _rows(results, "stage_share.scaled", "all")
    bands = {name: replicate_band(rows[rows["scenario"] == name], 100.0) for name in names}
    start, end = _date_range(results)
    subtitle = (
        "Share of all firms that have scaled their deployment (the study's \"passage à "
        f"l'échelle\"); {_band_text(reps)}."
    )
    with style():
        fig, body = _canvas(11.5, 6.4, "Share of firms at scale, by scenario", subtitle, meta)
        ax = body.subplots()
        handles = {}
        for name in names:
            band = bands[name]
            is_ref = name == ref and len(names) > 1
            handles[name] = _draw_band(
                ax,
                band,
                colours[name],
                scenario_label(name) + (" (reference)" if is_ref else ""),
                lw=2.6 if is_ref else 2.0,
            )
        top = max((float(b["high"].max()) for b in bands.values() if len(b)), default=1.0)
        ax.set_ylim(0, min(100.0, max(5.0, top * 1.08)))
        _percent_axis(ax)
        time_axis(ax, start, end)
        ax.set_xlabel("Month")
        ax.set_ylabel("Firms at scale (% of all firms)")
        order = sorted(
            names, key=lambda s: -float(bands[s]["mean"].iloc[-1]) if len(bands[s]) else 0
        )
        # the last values at the right edge (spread so that none overlaps), so the end state
        # reads without the grid
        ends = {s_: float(bands[s_]["mean"].iloc[-1]) for s_ in order if len(bands[s_])}
        y0, y1 = ax.get_ylim()
        placed = spread_labels(list(ends.values()), 0.04 * (y1 - y0))
        for (name, value), y in zip(ends.items(), placed, strict=True):
            ax.annotate(
                f"{value:.0f}%",
                (bands[name].index[-1], y),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=9.5,
                fontweight="bold",
                color=colours[name],
                annotation_clip=False,
            )
        body.legend(
            [handles[s] for s in order],
            [handles[s].get_label() for s in order],
            title="Scenario (by last value)",
            loc="outside right upper",
            alignment="left",
        )
    return fig


# --- paired effects ------------------------------------------------------------------------------


def plot_effects(summary: pd.DataFrame, *, meta: Mapping[str, Any] | None = None):
    """The paired effect of each intervention (scenario - reference) on the summary's
    indicators (share at scale, realised productivity), dot and 95% interval, one panel per
    indicator, scenarios sorted by their effect on the first indicator at the last month.

    ``summary``: the table of :func:`aiadopt.experiments.summary.summarise` (columns
    ``indicator, month, scenario, reference, n_pairs, diff, diff_ci_low, diff_ci_high``).
    Each month of the summary is a marker (the last one filled), so the effect's growth shows.
    """
    from matplotlib.lines import Line2D

    try:
        from .experiments.summary import INDICATORS

        units = {i.name: i for i in INDICATORS}
    except ImportError:  # pragma: no cover
        units = {}
    rows = summary[summary["scenario"].astype(str) != summary["reference"].astype(str)]
    rows = rows[rows["diff"].notna()]
    if rows.empty:
        raise MissingDataError(
            "effects: the summary has no paired difference (one scenario only, or no replicate "
            "in common with the reference)"
        )
    indicators = list(dict.fromkeys(rows["indicator"]))
    months = sorted(dict.fromkeys(rows["month"].astype(str)))
    last = months[-1]
    reference = str(rows["reference"].iloc[0])
    first = rows[(rows["indicator"] == indicators[0]) & (rows["month"].astype(str) == last)]
    order = list(first.sort_values("diff", ascending=True)["scenario"].astype(str))
    order += [s for s in dict.fromkeys(rows["scenario"].astype(str)) if s not in order]
    ys = {name: k for k, name in enumerate(order)}  # largest effect at the top (last y)
    pairs = int(rows["n_pairs"].max())
    n_months = len(months)
    offsets = {m: (k - (n_months - 1) / 2) * 0.22 for k, m in enumerate(months)}
    markers = {m: ("o" if m == last else "D") for m in months}
    subtitle = (
        f"Mean paired difference to {scenario_label(reference)} over {pairs} replicates "
        "(replicate k of every scenario shares its seed: common random numbers), with its 95% "
        f"interval (an interval narrower than its dot is hidden behind it); scenarios sorted "
        f"by their effect on the first indicator in {_month_text(last)}."
    )
    height = 2.2 + 0.42 * len(order) * max(1, n_months) ** 0.5
    with style():
        fig, body = _canvas(12.5, max(4.6, height), "Effect of each intervention", subtitle, meta)
        axes = np.atleast_1d(body.subplots(1, len(indicators), sharey=True))
        for ax, ind in zip(axes, indicators, strict=True):
            spec = units.get(ind)
            unit = spec.unit if spec is not None else "share"
            f = 100.0 if unit == "share" else 1.0
            sel = rows[rows["indicator"] == ind]
            biggest = float((sel["diff"].abs() * f).max())
            decimals = 1 if biggest >= 2 else 2
            span = []
            for r in sel.to_dict("records"):
                name, month = str(r["scenario"]), str(r["month"])
                if name not in ys:
                    continue
                y = ys[name] + offsets[month]
                d, lo, hi = r["diff"] * f, r["diff_ci_low"] * f, r["diff_ci_high"] * f
                colour = PALETTE["effect_up"] if d >= 0 else PALETTE["effect_down"]
                filled = month == last
                if math.isfinite(lo) and math.isfinite(hi):
                    ax.plot(
                        [lo, hi],
                        [y, y],
                        color=colour,
                        lw=2.2 if filled else 1.4,
                        zorder=3,
                        solid_capstyle="butt",
                        alpha=1.0 if filled else 0.75,
                    )
                    span += [lo, hi]
                ax.plot(
                    d,
                    y,
                    ls="none",
                    marker=markers[month],
                    ms=7.5 if filled else 6,
                    mfc=colour if filled else "white",
                    mec=colour,
                    mew=1.4,
                    zorder=4,
                )
                span.append(d)
                if filled:
                    edge = hi if math.isfinite(hi) else d
                    edge = edge if d >= 0 else (lo if math.isfinite(lo) else d)
                    ax.annotate(
                        f"{d:+.{decimals}f}",
                        (edge, y),
                        xytext=(5 if d >= 0 else -5, 0),
                        textcoords="offset points",
                        ha="left" if d >= 0 else "right",
                        va="center",
                        fontsize=9,
                        color=colour,
                    )
            ax.axvline(0, color=PALETTE["zero"], lw=1.1, zorder=2)
            far = max([abs(v) for v in span if math.isfinite(v)] + [1e-3])
            lo_x = min([0.0, *[v for v in span if math.isfinite(v)]])
            hi_x = max([0.0, *[v for v in span if math.isfinite(v)]])
            pad = 0.22 * far
            ax.set_xlim(
                lo_x - (pad if lo_x < 0 else 0.06 * far), hi_x + (pad if hi_x > 0 else 0.06 * far)
            )
            label = spec.label if spec is not None else str(ind).replace("_", " ")
            ax.set_title(label, fontsize=11.5, loc="left", wrap=True)
            if unit == "share":
                ax.set_xlabel(f"Difference to {scenario_label(reference)} (percentage points)")
            else:
                ax.set_xlabel(
                    f"Difference to {scenario_label(reference)}\n(percentage points of gain)"
                )
            ax.grid(axis="x", color=PALETTE["grid"], lw=0.6)
            for k in range(len(order)):
                if k % 2 == 1:
                    ax.axhspan(k - 0.5, k + 0.5, color=PALETTE["stripe"], lw=0, zorder=0)
        axes[0].set_yticks(range(len(order)), [scenario_label(s) for s in order])
        axes[0].set_ylim(-0.5, len(order) - 0.5)
        for ax in axes:
            ax.tick_params(axis="y", length=0)
        handles = [
            Line2D(
                [],
                [],
                ls="-",
                lw=2.2,
                marker=markers[m],
                ms=7,
                color="0.3",
                mfc="0.3" if m == last else "white",
                mew=1.4,
                label=_month_text(m),
            )
            for m in months
        ]
        handles += [
            Line2D([], [], lw=2.2, color=PALETTE["effect_up"], label="gain over reference"),
            Line2D([], [], lw=2.2, color=PALETTE["effect_down"], label="loss against reference"),
        ]
        body.legend(
            handles=handles,
            title="Month (dot: mean, line: 95% CI)",
            loc="outside lower center",
            ncols=len(handles),
        )
    return fig


# --- hype cycle ----------------------------------------------------------------------------------


def _month_text(month: str) -> str:
    """``2027-12`` as ``Dec 2027``."""
    try:
        return pd.Timestamp(f"{month}-01").strftime("%b %Y")
    except ValueError:
        return str(month)


def _turning_points(series: pd.Series) -> tuple[Any, Any] | None:
    """(peak date, trough date) of a hype curve: its highest point and the lowest point after
    it, when the fall is clear (at least 10% of the peak); else None."""
    s = series.dropna()
    if len(s) < 6:
        return None
    peak = s.idxmax()
    after = s.loc[peak:]
    if len(after) < 3:
        return None
    trough = after.idxmin()
    if trough == peak or s[peak] - s[trough] < 0.1 * abs(s[peak]):
        return None
    return peak, trough


def plot_hype_cycle(
    tidy: pd.DataFrame,
    *,
    scenario: str | None = None,
    meta: Mapping[str, Any] | None = None,
):
    """The hype cycle of one scenario (default: the reference): the mean enthusiasm of all
    firms and of engaged firms (the expectation index behind the study's Figure 7, 0-100), and
    the interest in each use case over time (the share of Technique and Business respondents
    who find it interesting, mean of the two functions, Figure 5).  The peak of enthusiasm and
    the valley after it are labelled when the curve has them."""
    results = as_results(tidy)
    need = ["enthusiasm", *[f"usecase_interest.{u}" for u in USECASES]]
    _require(results, need[:1], "hype cycle")
    name = reference_of(results, scenario)
    reps = _n_replicates_of(results, name)
    start, end = _date_range(results)
    have = metrics_of(results)
    cases = [u for u in USECASES if f"usecase_interest.{u}" in have]
    which = "" if name == RUN_SCENARIO else f" ({scenario_label(name)} scenario)"
    subtitle = (
        "Top: mean enthusiasm, the firms' expectation of generative AI, on a 0-100 index "
        "(the study's Figure 7 adoption curve). Bottom: share of respondents finding each use "
        "case interesting (mean of Technique and Business functions; the study's Figure 5). "
        f"{_band_text(reps).capitalize()}."
    )
    with style():
        fig, body = _canvas(
            11.5,
            8.2,
            f"The hype cycle: expectations and interest in use cases{which}",
            subtitle,
            meta,
        )
        ax1, ax2 = (
            body.subplots(2, 1, sharex=True, height_ratios=[1, 1.25])
            if cases
            else (body.subplots(), None)
        )
        rows = _rows(results, "enthusiasm", None, name)
        handles = []
        for group, colour, label in (
            ("all", "#54278f", "all firms"),
            ("engaged", "#9e9ac8", "engaged firms (planned or beyond)"),
        ):
            sel = rows[rows["group"] == group]
            if len(sel):
                band = replicate_band(sel, 100.0)
                handles.append(
                    _draw_band(ax1, band, colour, label, lw=2.4 if group == "all" else 1.8)
                )
                if group == "all":
                    points = _turning_points(band["mean"])
                    if points is not None:
                        for when, text, dy in (
                            (points[0], "peak of expectations", 10),
                            (points[1], "valley of disappointment", -14),
                        ):
                            v = band["mean"][when]
                            ax1.annotate(
                                f"{text}\n{pd.Timestamp(when):%b %Y}",
                                (when, v),
                                xytext=(0, dy),
                                textcoords="offset points",
                                ha="center",
                                va="bottom" if dy > 0 else "top",
                                fontsize=9,
                                color="#54278f",
                                arrowprops=None,
                            )
                            ax1.plot([when], [v], "o", ms=5, color="#54278f", zorder=4)
        ax1.set_ylabel("Enthusiasm index (0-100)")
        lo = min(float(np.nanmin(line.get_ydata())) for line in handles) if handles else 0.0
        hi = max(float(np.nanmax(line.get_ydata())) for line in handles) if handles else 100.0
        pad = max(4.0, 0.25 * (hi - lo))
        ax1.set_ylim(max(0.0, lo - pad), min(100.0, hi + pad))
        ax1.grid(axis="y", color=PALETTE["grid"], lw=0.6)
        ax1.set_title("Expectations (enthusiasm)", fontsize=11.5)
        time_axis(ax1, start, end)
        ax1.tick_params(axis="x", labelbottom=True)  # dates on both panels
        ax1.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            title="Mean over",
            alignment="left",
        )
        if ax2 is not None:
            irows = _rows(results, [f"usecase_interest.{u}" for u in cases], None, name)
            irows = irows[irows["group"].isin(["technique", "business"])]
            mean = irows.groupby(["metric", "replicate", "date"], as_index=False)["value"].mean()
            lines = []
            for u in cases:
                label, colour, ls = USECASES[u]
                band = replicate_band(mean[mean["metric"] == f"usecase_interest.{u}"], 100.0)
                lines.append(_draw_band(ax2, band, colour, label, ls=ls, lw=2.2))
            _percent_axis(ax2)
            ax2.set_ylim(0, 100)
            ax2.set_ylabel("Respondents finding it interesting (%)")
            ax2.set_title("Interest in each use case", fontsize=11.5)
            time_axis(ax2, start, end, survey_label=False)
            ax2.set_xlabel("Month")
            from matplotlib.lines import Line2D

            fam = [Line2D([], [], color="0.3", ls=ls, lw=2, label=t) for t, ls in USECASE_FAMILIES]
            leg = ax2.legend(
                handles=lines,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
                title="Use case",
                alignment="left",
            )
            ax2.add_artist(leg)
            ax2.legend(
                handles=fam,
                loc="lower left",
                bbox_to_anchor=(1.01, 0.0),
                title="Study's verdict (Fig. 7-8)",
                alignment="left",
            )
        else:
            ax1.set_xlabel("Month")
    return fig


# --- gains ---------------------------------------------------------------------------------------


def plot_gains(
    tidy: pd.DataFrame,
    *,
    scenario: str | None = None,
    meta: Mapping[str, Any] | None = None,
):
    """Expected against realised gains of one scenario (default: the reference), one panel per
    kind (productivity, cost, revenue): the mean expected gain of all firms, the mean realised
    gain of active firms (experimenting or beyond: the study's Figure 15-16 base) and of all
    firms, in percent; the study's March 2025 values marked with their 95% intervals."""
    from matplotlib.lines import Line2D

    results = as_results(tidy)
    _require(results, ["gain_expected.productivity", "gain_realised.productivity"], "gains")
    name = reference_of(results, scenario)
    reps = _n_replicates_of(results, name)
    start, end = _date_range(results)
    have = metrics_of(results)
    kinds = [k for k in GAIN_NAMES if f"gain_expected.{k}" in have or f"gain_realised.{k}" in have]
    metrics = [f"gain_{w}.{k}" for w in ("expected", "realised") for k in kinds]
    rows = _rows(results, [m for m in metrics if m in have], None, name)
    surveyed = start <= SURVEY_DATE <= end
    which = "" if name == RUN_SCENARIO else f" ({scenario_label(name)} scenario)"
    series = (
        ("expected", "gain_expected", "all", "expected, all firms"),
        ("realised_active", "gain_realised", "active", "realised, active firms"),
        ("realised_all", "gain_realised", "all", "realised, all firms"),
    )
    subtitle = (
        "Mean gain in percent: expected by all firms, realised by active firms (experimenting, "
        "deployed or scaled: the study's base for realised gains) and by all firms (firms with "
        f"nothing in place count as 0). {_band_text(reps).capitalize()}."
    )
    if surveyed:
        subtitle += " Diamonds: the study's March 2025 means (Figures 15-16) with 95% intervals."
    with style():
        fig, body = _canvas(13.0, 5.9, f"Expected and realised gains{which}", subtitle, meta)
        axes = np.atleast_1d(body.subplots(1, len(kinds), sharey=True))
        top = 1.0
        for ax, kind in zip(axes, kinds, strict=True):
            for key, prefix, group, _label in series:
                sel = rows[(rows["metric"] == f"{prefix}.{kind}") & (rows["group"] == group)]
                if len(sel):
                    band = replicate_band(sel)
                    st = GAIN_STYLES[key]
                    _draw_band(ax, band, st["color"], None, ls=st["ls"], lw=st["lw"])
                    top = max(top, float(band["high"].max()))
                study_id = {
                    "expected": f"gain_expected_{kind}",
                    "realised_active": f"gain_realised_{kind}",
                }.get(key)
                value = study_value(study_id, 1.0) if study_id and surveyed else None
                if value is not None:
                    # expected left of the survey line, realised right: intervals apart
                    side = -1 if key == "expected" else 1
                    _study_mark(ax, value, GAIN_STYLES[key]["color"], shift_days=40 * side)
                    top = max(top, value[2])
                    ax.annotate(
                        f"{value[0]:.1f}%",
                        (SURVEY_DATE + pd.Timedelta(days=40 * side), value[0]),
                        xytext=(8 * side, 0),
                        textcoords="offset points",
                        ha="right" if side < 0 else "left",
                        va="center",
                        fontsize=9,
                        color=GAIN_STYLES[key]["color"],
                        fontweight="bold",
                    )
            ax.set_title(GAIN_NAMES[kind], fontsize=11.5)
            time_axis(ax, start, end, survey_label=ax is axes[0])
            ax.set_xlabel("Month")
            ax.grid(axis="y", color=PALETTE["grid"], lw=0.6)
        for ax in axes:
            ax.set_ylim(0, top * 1.1)
            from matplotlib.ticker import PercentFormatter

            ax.yaxis.set_major_formatter(PercentFormatter(100.0, decimals=0))
        axes[0].set_ylabel("Mean gain (%)")
        handles = [
            Line2D(
                [],
                [],
                color=GAIN_STYLES[k]["color"],
                ls=GAIN_STYLES[k]["ls"],
                lw=GAIN_STYLES[k]["lw"],
                label=label,
            )
            for k, _, _, label in series
        ]
        if surveyed:
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker="D",
                    ms=6.5,
                    mfc="0.3",
                    mec="white",
                    label="study, Mar 2025 (95% CI)",
                )
            )
        body.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


# --- the two views of "deployed" -----------------------------------------------------------------


def plot_deployed_views(
    tidy: pd.DataFrame,
    *,
    scenario: str | None = None,
    meta: Mapping[str, Any] | None = None,
):
    """The Technique and Business views of "deployed" over time for one scenario (default:
    the reference): the share of firms whose Technique (strict: what is in place, deployed or
    scaled) or Business (loose: also shadow AI and pilots of Business tools) respondent would
    say generative AI is deployed; the study's 10% (Technique) and 21% (Business) in March
    2025 marked with their 95% intervals.  Left: the whole run; right: a zoom on the two years
    around the survey."""
    results = as_results(tidy)
    _require(results, ["deployed_view.technique", "deployed_view.business"], "deployed views")
    name = reference_of(results, scenario)
    reps = _n_replicates_of(results, name)
    start, end = _date_range(results)
    which = "" if name == RUN_SCENARIO else f" ({scenario_label(name)} scenario)"
    subtitle = (
        "Share of all firms whose respondent would say generative AI is deployed. Technique "
        "functions count what is in place (deployed or scaled); Business functions also count "
        "their own tools (shadow AI) and pilots of Business use cases. "
        f"{_band_text(reps).capitalize()}. Diamonds: the study, March 2025, with 95% intervals."
    )
    rows = _rows(results, ["deployed_view.technique", "deployed_view.business"], "all", name)
    bands = {
        role: replicate_band(rows[rows["metric"] == f"deployed_view.{role}"], 100.0)
        for role in ("business", "technique")
    }
    labels = {"business": "Business view (loose)", "technique": "Technique view (strict)"}
    study = {role: study_value(f"deployed_view_{role}") for role in ("technique", "business")}
    if not start <= SURVEY_DATE <= end:
        study = {}
    zoom = (
        max(start, SURVEY_DATE - pd.DateOffset(months=14)),
        min(end, SURVEY_DATE + pd.DateOffset(months=13)),
    )
    zoomed = start < SURVEY_DATE < end and (end - start).days > 3 * 365
    with style():
        fig, body = _canvas(
            12.5, 6.2, f'"Deployed" according to Technique and Business{which}', subtitle, meta
        )
        if zoomed:
            ax_all, ax_zoom = body.subplots(1, 2, width_ratios=[1.45, 1])
            panels = [(ax_all, start, end), (ax_zoom, *zoom)]
        else:
            ax_all = body.subplots()
            panels = [(ax_all, start, end)]
        handles: list[Any] = []
        for k, (ax, lo, hi) in enumerate(panels):
            top = 5.0
            for role, band in bands.items():
                line = _draw_band(ax, band, ROLE_COLOURS[role], labels[role], lw=2.4)
                if k == 0:
                    handles.append(line)
                inside = band[(band.index >= lo) & (band.index <= hi)]
                top = max(top, float(inside["high"].max()) if len(inside) else 0.0)
            for role, value in study.items():
                if value is None:
                    continue
                side = -1 if role == "technique" else 1
                shift = 12 * side * (1 if k == 1 else 2.5)
                mark = _study_mark(
                    ax,
                    value,
                    ROLE_COLOURS[role],
                    f"study: {role.capitalize()} says deployed, {value[0]:.0f}%",
                    shift_days=shift,
                )
                if k == 0:
                    handles.append(mark)
                top = max(top, value[2])
                ax.annotate(
                    f"{value[0]:.0f}%",
                    (SURVEY_DATE + pd.Timedelta(days=shift), value[0]),
                    xytext=(9 * side, 0),
                    textcoords="offset points",
                    ha="right" if side < 0 else "left",
                    va="center",
                    fontsize=10,
                    fontweight="bold",
                    color=ROLE_COLOURS[role],
                    zorder=8,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
                )
            ax.set_ylim(0, min(100.0, top * 1.1))
            _percent_axis(ax)
            time_axis(ax, lo, hi)
            ax.set_xlabel("Month")
            if k == 0:
                ax.set_ylabel("Firms said to have AI deployed (% of all firms)")
                ax.set_title("Whole run", fontsize=11.5)
            else:
                ax.set_title(
                    f"Zoom: {pd.Timestamp(lo):%b %Y} to {pd.Timestamp(hi):%b %Y}", fontsize=11.5
                )
        body.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


# --- saving --------------------------------------------------------------------------------------


def save_figure(
    fig,
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, Any] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = SAVE_DPI,
) -> dict[str, Path]:
    """Save ``fig`` as ``path`` with each suffix of ``formats`` (PNG at ``dpi``, SVG with text
    kept as text), each written to a temporary name beside it and renamed (``os.replace``):
    a file is there whole or not at all.  ``metadata`` goes into the PNG text chunks (keys
    ``aiadopt.*``) and the SVG title.  Returns the paths by format."""
    base = Path(path)
    if base.suffix.lower() in (".png", ".svg"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    title = figure_title(fig) or base.name
    info = {f"aiadopt.{k}": _meta_text(v) for k, v in (metadata or {}).items() if v is not None}
    out: dict[str, Path] = {}
    for fmt in formats:
        final = base.with_name(f"{base.name}.{fmt}")
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp")
        if fmt == "png":
            md: dict[str, Any] = {"Title": title, "Software": "aiadopt", **info}
        elif fmt == "svg":
            md = {"Title": title, "Date": None, "Creator": "aiadopt (matplotlib)"}
        else:
            md = {}
        try:
            with style():
                fig.savefig(tmp, format=fmt, dpi=dpi, metadata=md)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        out[fmt] = final
    return out


def _meta_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def figure_png(fig, dpi: int = SAVE_DPI) -> bytes:
    """``fig`` as PNG bytes (for embedding)."""
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "aiadopt"})
    return buffer.getvalue()


# --- a results folder ----------------------------------------------------------------------------

FIT_REPORT_CSV = "fit_report.csv"
"""A fit report table in a results folder, reused by ``aiadopt plot`` and ``aiadopt report``
instead of computing the fit again (``aiadopt``'s calibration writes it:
``fit_report(out_dir=...)``)."""

DEFAULT_FIT_REPLICATES = 20
"""Sampled surveys of the fit computed by ``aiadopt plot`` and ``aiadopt report`` when the
results folder holds no ``fit_report.csv`` (4 model runs x 5 surveys: a few seconds)."""

FIGURES: dict[str, str] = {
    "stage_shares": "Adoption stages over time (stacked areas, one panel per scenario)",
    "share_at_scale": "Share of firms at scale over time, every scenario, replicate bands",
    "effects": "Paired effect of each intervention on share at scale and realised productivity",
    "hype_cycle": "The hype cycle: mean enthusiasm and interest in each use case over time",
    "gains": "Expected against realised gains: productivity, cost, revenue",
    "deployed_views": 'The Technique and Business views of "deployed" over time (10% vs 21%)',
    "fit": "Calibration fit: the study against the model, one row per target",
}
"""The figures ``aiadopt plot`` draws, by file name (without suffix)."""


FIT_MIN_FIRMS = 2_000
"""Smallest population of a fit computed for the figures: a run's parameters with fewer firms
are surveyed with this many (the study's survey draws 231 respondents)."""


class ResultsError(ValueError):
    """A results folder cannot be read (the message names the folder and what was expected)."""


@dataclass(eq=False)
class Results:
    """What a results folder holds: a run's (``kind == "run"``) or an experiment's results."""

    folder: Path | None
    kind: str  # "run" | "experiment"
    results: pd.DataFrame  # scenario, replicate, (seed,) date, metric, group, value
    summary: pd.DataFrame | None = None  # experiments: paired differences
    meta: dict[str, Any] = field(default_factory=dict)
    params: Any = None  # a run's Params (run.toml); None: the shipped parameters
    fit_table: pd.DataFrame | None = None  # fit_report.csv of the folder, if any

    @property
    def scenarios(self) -> list[str]:
        return scenarios_of(self.results)

    @property
    def reference(self) -> str:
        if self.summary is not None and len(self.summary) and "reference" in self.summary:
            ref = str(self.summary["reference"].iloc[0])
            if ref in self.scenarios:
                return ref
        return reference_of(self.results)


def load_results_folder(folder: str | os.PathLike[str]) -> Results:
    """Read a results folder: an experiment's (``manifest.json``, ``runs/``: read with
    :func:`aiadopt.experiments.load_results`; its ``summary.csv`` or, if missing, the summary
    computed again) or a run's (``trajectories.parquet`` of ``aiadopt run``).  A
    ``fit_report.csv`` in the folder is read too.

    Raises:
        ResultsError: the folder does not exist, is neither kind, or holds no finished run.
    """
    path = Path(folder)
    if not path.exists():
        raise ResultsError(f"{path}: no such folder")
    if not path.is_dir():
        raise ResultsError(f"{path} is a file, not a results folder")
    if (path / "manifest.json").is_file():
        data = _load_experiment(path)
    elif (path / "trajectories.parquet").is_file():
        data = _load_run(path)
    else:
        raise ResultsError(
            f"{path} is not a results folder: expected an experiment's folder (manifest.json "
            "and runs/, written by 'aiadopt experiment --out DIR') or a run's folder "
            "(trajectories.parquet, written by 'aiadopt run --out DIR')"
        )
    fit_csv = path / FIT_REPORT_CSV
    if fit_csv.is_file():
        try:
            data.fit_table = pd.read_csv(fit_csv, keep_default_na=False, na_values=[""])
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise ResultsError(f"{fit_csv}: unreadable fit report ({exc})") from None
    return data


def _load_experiment(path: Path) -> Results:
    from .experiments import ExperimentError, load_manifest, load_results, summarise

    try:
        manifest = load_manifest(path)
        results = load_results(path)
    except ExperimentError as exc:
        raise ResultsError(str(exc)) from None
    if results.empty:
        raise ResultsError(f"{path}: the experiment has no finished run yet (runs/ is empty)")
    summary = None
    csv = path / "summary.csv"
    if csv.is_file():
        with contextlib.suppress(OSError, ValueError, pd.errors.ParserError):
            summary = pd.read_csv(csv, dtype={"month": str, "scenario": str, "reference": str})
    if (
        summary is None
        or summary.empty
        or not set(summary["scenario"]) <= set(scenarios_of(results))
    ):
        summary = summarise(results)
    params = manifest.get("parameters") or {}
    meta = {
        "aiadopt_version": manifest.get("aiadopt_version"),
        "root_seed": manifest.get("root_seed"),
        "replicates": manifest.get("replicates"),
        "firms": manifest.get("firms"),
        "param_hash": params.get("hash"),
        "params_source": params.get("source"),
        "until": manifest.get("until"),
        "created": manifest.get("created"),
        "scenarios": [s.get("name") for s in manifest.get("scenarios", [])],
        "scenario_descriptions": {
            s.get("name"): s.get("description", "") for s in manifest.get("scenarios", [])
        },
        "metrics": manifest.get("metrics"),
    }
    return Results(path, "experiment", results, summary, meta)


def _load_run(path: Path) -> Results:
    from .runs import read_parquet_metadata

    file = path / "trajectories.parquet"
    try:
        tidy = pd.read_parquet(file)
        raw = read_parquet_metadata(file)
    except Exception as exc:  # pyarrow raises several kinds
        raise ResultsError(f"{file}: unreadable ({type(exc).__name__}: {exc})") from None
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "params":
            continue
        try:
            meta[key] = json.loads(value)
        except (json.JSONDecodeError, TypeError):
            meta[key] = value
    if "version" in meta:
        meta["aiadopt_version"] = meta.pop("version")
    params = None
    toml = path / "run.toml"
    if toml.is_file():
        from .model import ParameterError, Params

        with contextlib.suppress(ParameterError, OSError, ValueError):
            params = Params.from_toml(toml)
    return Results(path, "run", as_results(tidy), None, meta, params)


def fit_table_for(
    data: Results, replicates: int = DEFAULT_FIT_REPLICATES, *, echo: Any = None
) -> tuple[pd.DataFrame | None, str]:
    """The fit table of ``data``: its folder's ``fit_report.csv`` if present, else a fit
    computed with ``replicates`` sampled surveys (0: none) with the run's parameters (a run
    folder) or the shipped ones (an experiment).  Returns the table and a phrase saying where
    it comes from."""
    say = echo or (lambda _line: None)
    if data.fit_table is not None:
        where = f"{data.folder / FIT_REPORT_CSV}" if data.folder else FIT_REPORT_CSV
        reps = data.fit_table.get("replicates")
        n = f", {int(reps.max())} replicates" if reps is not None and reps.notna().any() else ""
        data.meta.setdefault("fit_subtitle", f"Model: the fit report {where}{n}.")
        return data.fit_table, f"the fit report of the folder ({FIT_REPORT_CSV}{n})"
    if replicates <= 0:
        return None, "no fit (not asked)"
    from .calibration.report import fit_report

    seeds = max(1, min(4, replicates))
    firms = None
    if data.params is not None and data.params.n_firms < FIT_MIN_FIRMS:
        firms = FIT_MIN_FIRMS  # the survey draws 231 respondents: a small run is too small
    say(
        f"Computing the calibration fit: {replicates} sampled surveys over {seeds} model runs "
        "(a fit_report.csv in the results folder is used instead when present)..."
    )
    report = fit_report(data.params, replicates=replicates, seeds=seeds, n_firms=firms)
    data.fit_table = report.table
    if data.params is None:  # an experiment: the shipped parameters, as fit_report says
        source = report.params_source
    else:  # a run's parameters (fit_report calls them "given by the caller")
        source = data.meta.get("params_source") or "the run's parameters (run.toml)"
    if firms is not None:
        source += f"; surveyed with {firms:,} firms"
    data.meta.setdefault(
        "fit_subtitle", f"Model: {report.describe_replicates()}. Parameters: {source}."
    )
    return report.table, f"computed now ({report.describe_replicates()})"


def draw_figures(data: Results, *, fit: bool = True) -> tuple[dict[str, Any], dict[str, str]]:
    """Every figure of :data:`FIGURES` that ``data`` has the metrics for.  Returns the figures
    by name and, for each figure left out, why."""
    figures: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    meta = data.meta
    ref = data.reference
    makers = {
        "stage_shares": lambda: plot_stage_shares(data.results, meta=meta),
        "share_at_scale": lambda: plot_share_at_scale(data.results, meta=meta, reference=ref),
        "effects": lambda: plot_effects(data.summary, meta=meta),
        "hype_cycle": lambda: plot_hype_cycle(data.results, scenario=ref, meta=meta),
        "gains": lambda: plot_gains(data.results, scenario=ref, meta=meta),
        "deployed_views": lambda: plot_deployed_views(data.results, scenario=ref, meta=meta),
    }
    for name, make in makers.items():
        if name == "effects" and (data.summary is None or len(data.scenarios) < 2):
            skipped[name] = "one scenario only: no intervention to compare"
            continue
        try:
            figures[name] = make()
        except MissingDataError as exc:
            skipped[name] = str(exc)
    if fit:
        if data.fit_table is not None:
            figures["fit"] = plot_fit(data.fit_table, subtitle=meta.get("fit_subtitle"))
        else:
            skipped["fit"] = "no fit report (none in the folder, none computed)"
    return figures, skipped


@dataclass(eq=False)
class PlotOutput:
    """What :func:`plot_results` wrote."""

    folder: Path
    paths: dict[str, dict[str, Path]]
    skipped: dict[str, str]
    kind: str

    def summary(self) -> str:
        kinds = sorted({k for p in self.paths.values() for k in p})
        lines = [f"Wrote {len(self.paths)} figures to {self.folder}/ ({', '.join(kinds)}):"]
        lines += [
            f"  {', '.join(p.name for p in files.values())}: {FIGURES.get(name, '')}"
            for name, files in self.paths.items()
        ]
        if self.skipped:
            lines.append("Left out:")
            lines += [f"  {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


def plot_results(
    results_dir: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    fit_replicates: int = DEFAULT_FIT_REPLICATES,
    formats: Sequence[str] = ("png", "svg"),
    echo: Any = None,
) -> PlotOutput:
    """Draw every figure of a results folder (see :func:`load_results_folder`) and save each as
    PNG and SVG into ``out`` (default ``RESULTS_DIR/figures``).  The calibration fit comes
    from ``RESULTS_DIR/fit_report.csv`` when present, else is computed with
    ``fit_replicates`` sampled surveys (0: no fit figure).  ``formats``: the files written
    per figure (:func:`save_figure`).

    Raises:
        ResultsError: the folder cannot be read (see :func:`load_results_folder`).
    """
    say = echo or (lambda _line: None)
    data = load_results_folder(results_dir)
    folder = Path(out) if out is not None else Path(results_dir) / "figures"
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"output folder {folder} exists and is not a folder")
    n_runs = data.results.groupby(data.results["scenario"].astype(str), observed=True)[
        "replicate"
    ].nunique()
    say(
        f"Plotting the {data.kind} in {data.folder}: {len(n_runs)} scenario(s), "
        f"{int(n_runs.sum())} run(s)"
    )
    fit_table_for(data, fit_replicates, echo=say)
    figures, skipped = draw_figures(data)
    md = {k: data.meta.get(k) for k in ("aiadopt_version", "seed", "root_seed", "param_hash")}
    md["source"] = str(data.folder)
    paths = {}
    for name, fig in figures.items():
        paths[name] = save_figure(fig, folder / name, metadata=md, formats=formats)
    return PlotOutput(folder, paths, skipped, data.kind)
