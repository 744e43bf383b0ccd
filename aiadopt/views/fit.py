"""The calibration fit as a figure: one row per target, the study against the model.

:func:`plot_fit` draws :func:`aiadopt.calibration.report.build_table`'s table (saved with a
results folder as ``fit_report.csv``): calibration and validation targets in separate
sections, each with up to three panels (shares, orderings, mean gains).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .style import PALETTE, STYLE, new_figure, style

__all__ = ["FIT_PANELS", "plot_fit"]

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
