"""The paired effects of the interventions: each scenario minus the reference, with 95%
intervals, from an experiment's summary (:func:`aiadopt.experiments.summary.summarise`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.summary import INDICATORS
from .series import MissingDataError, month_text, scenario_descriptions, scenario_label
from .style import PALETTE, canvas, style

__all__ = ["plot_effects"]

LEGEND_PREDICTIVE = (
    "Month (dot: mean effect; thick line: its 95% CI; thin line: 5-95% posterior-predictive "
    "interval, where one replicate's effect lies, with its own parameter draw and seed)"
)


def plot_effects(summary: pd.DataFrame, *, meta: Mapping[str, Any] | None = None):
    """The paired effect of each intervention (scenario - reference) on the summary's
    indicators (share at scale, realised productivity), dot and 95% interval, one panel per
    indicator, scenarios sorted by their effect on the first indicator at the last month.

    ``summary``: the table of :func:`aiadopt.experiments.summary.summarise` (columns
    ``indicator, month, scenario, reference, n_pairs, diff, diff_ci_low, diff_ci_high`` and,
    when present, ``effect_ppi_05, effect_ppi_95``: the posterior-predictive interval, drawn as
    a thin line behind the CI).  Each month of the summary is a marker (the last one filled),
    so the effect's growth shows.
    """
    from matplotlib.lines import Line2D

    units = {i.name: i for i in INDICATORS}
    rows = summary[summary["scenario"].astype(str) != summary["reference"].astype(str)]
    rows = rows[rows["diff"].notna()]
    if rows.empty:
        raise MissingDataError(
            "effects: the summary has no paired difference (one scenario only, or no replicate "
            "in common with the reference)"
        )
    predictive = "effect_ppi_05" in rows and bool(rows["effect_ppi_05"].notna().any())
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
        f"by their effect on the first indicator in {month_text(last)}."
    )
    described = scenario_descriptions(meta, order[::-1])
    if described:
        subtitle += "\n" + described
    height = 2.2 + 0.42 * len(order) * max(1, n_months) ** 0.5 + 0.2 * described.count("\n")
    with style():
        fig, body = canvas(12.5, max(4.6, height), "Effect of each intervention", subtitle, meta)
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
                p05 = r.get("effect_ppi_05", math.nan) * f
                p95 = r.get("effect_ppi_95", math.nan) * f
                if math.isfinite(p05) and math.isfinite(p95):
                    ax.plot(
                        [p05, p95],
                        [y, y],
                        color=colour,
                        lw=0.9,
                        zorder=2.5,
                        alpha=0.55 if filled else 0.4,
                        marker="|",
                        ms=7,
                        mew=1.0,
                    )
                    span += [p05, p95]
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
                label=month_text(m),
            )
            for m in months
        ]
        if predictive:
            predictive_line = Line2D(
                [], [], lw=0.9, marker="|", ms=7, mew=1.0, color="0.3", alpha=0.6,
                label="5-95% predictive",
            )  # fmt: skip
            handles.append(predictive_line)
        handles += [
            Line2D([], [], lw=2.2, color=PALETTE["effect_up"], label="gain over reference"),
            Line2D([], [], lw=2.2, color=PALETTE["effect_down"], label="loss against reference"),
        ]
        body.legend(
            handles=handles,
            title=LEGEND_PREDICTIVE if predictive else "Month (dot: mean, line: 95% CI)",
            loc="outside lower center",
            ncols=len(handles),
        )
    return fig
