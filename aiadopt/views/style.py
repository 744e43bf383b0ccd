"""The project's look, defined once: rc settings, colours, figures with a header and a footer.

Rules every figure follows: it is a :class:`matplotlib.figure.Figure` on the Agg canvas, never
built through pyplot's global state (so figures can be made in threads, tests and headless
runs); it has a title and a subtitle saying what is drawn, axis labels with units, dates on the
time axis with the survey month (March 2025) marked, a legend outside the data and a footer
with the version, seed(s) and parameter hash (:func:`canvas`, :func:`footer_text`).

:data:`STYLE` holds the matplotlib rc settings (applied with :func:`style`), :data:`PALETTE`
the colours by role, and below them the colours of stages, functions and scenarios.
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

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
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#009e73",  # bluish green
    "#aa3377",  # purple (Tol)
    "#56b4e9",  # sky blue
    "#e69f00",  # orange
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
)
"""Colours of the scenarios other than the reference (Okabe-Ito and Tol, colour-blind safe;
the first five differ in hue and lightness, so no two of the built-in scenarios look alike);
the reference scenario is drawn in :data:`PALETTE` ``["reference"]``."""


SURVEY_DATE = pd.Timestamp("2025-03-01")
"""The study's fieldwork month (3-24 March 2025), marked on every time axis."""

SAVE_DPI = 150
"""Resolution of the saved PNGs (the figures are sized in inches for this)."""


BAND_ALPHA = 0.18
"""Opacity of a replicate band."""


def footer_text(meta: Mapping[str, Any] | None) -> str:
    """One line saying where a figure's numbers come from: version, seed(s), parameter hash,
    firms, replicates (whatever ``meta`` has; keys of :func:`aiadopt.files.provenance`), and a
    ``note`` (e.g. how many runs) if given."""
    meta = dict(meta or {})
    parts = []
    if meta.get("version"):
        parts.append(f"aiadopt {meta['version']}")
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
    if meta.get("note"):
        parts.append(str(meta["note"]))
    parts.append("study: Publicis Sapient France 2025, 231 decision-makers, March 2025")
    return "  ·  ".join(parts)


def canvas(
    width: float,
    height: float,
    title: str,
    subtitle: str | None = None,
    meta: Mapping[str, Any] | None = None,
):
    """A figure with a header (title, subtitle), a body for the axes and a footer (source).

    Each line of ``subtitle`` is a paragraph of its own (e.g. what each scenario changes).
    Returns ``(fig, body)``; draw the axes in ``body`` (a sub-figure).  Header and footer have
    fixed heights in inches, so titles never collide with axes whatever the figure's size.
    """
    sub_lines = [  # each paragraph (a line of ``subtitle``) wrapped on its own
        line
        for paragraph in (subtitle or "").split("\n")
        for line in textwrap.wrap(paragraph, int(width * 12.2), break_on_hyphens=False)
    ]
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
    from matplotlib.ticker import FixedLocator

    if start is not None and end is not None and pd.Timestamp(start) < pd.Timestamp(end):
        ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    span_years = 0.0
    if start is not None and end is not None:
        span_years = (pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25
    if span_years > 2.5:
        # fixed ticks, computed once: matplotlib's date locators rerun dateutil's rrule at
        # every layout pass, which took seconds over a plot command's figures
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        years = pd.date_range(f"{first.year}-01-01", f"{last.year + 1}-01-01", freq="YS")
        quarters = pd.date_range(f"{first.year}-01-01", f"{last.year + 1}-01-01", freq="QS")
        quarters = quarters[quarters.month != 1]
        ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(years.to_pydatetime())))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_minor_locator(FixedLocator(mdates.date2num(quarters.to_pydatetime())))
    elif span_years == 0.0:
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


def percent_axis(ax, *, decimals: int = 0) -> None:
    """Values in percent on the y axis, with a light horizontal grid."""
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


def draw_band(ax, band: pd.DataFrame, colour: str, label: str | None, **line: Any):
    """A mean line and its replicate band (``band``: :func:`aiadopt.views.series.replicate_band`,
    drawn when it holds more than one replicate); returns the line."""
    if (band["n"] > 1).any():
        ax.fill_between(
            band.index, band["low"], band["high"], color=colour, alpha=BAND_ALPHA, lw=0, zorder=2
        )
    style_ = {"lw": 2.0, **line}
    (handle,) = ax.plot(band.index, band["mean"], color=colour, label=label, zorder=3, **style_)
    return handle


def labels_of(fig) -> list[list[str]]:
    """The y tick labels of each visible axes of ``fig`` (sub-figures included), top first."""
    return [[t.get_text() for t in ax.get_yticklabels()] for ax in axes_of(fig) if ax.axison]


def axes_of(fig) -> list:
    """Every axes of ``fig``, its sub-figures' included, in drawing order."""
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", []):
        axes += [a for a in axes_of(sub) if a not in axes]
    return axes
