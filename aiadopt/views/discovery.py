"""Figures of a scenario discovery (:mod:`aiadopt.experiments.discovery`) and of a lever
portfolio's front (:mod:`aiadopt.experiments.portfolio`).

- :func:`tradeoff_figure`: PRIM's peeling trajectory, density against coverage, each box
  coloured by how many inputs it restricts (an ordered scale), the box reported ringed;
- :func:`box_figure`: the box reported, one row per restricted input: its full range in grey,
  the box's interval in colour, with the limits written;
- :func:`scores_figure`: the feature scores (extra trees), for the outcome and for the case of
  interest, the top inputs;
- :func:`scatter_figure`: the runs over the two highest-scored restricted inputs, above the
  threshold or not, with the box drawn;
- :func:`front_figure`: a portfolio's Pareto front, robust outcome against effort.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..experiments.discovery import Discovery
from ..experiments.portfolio import PortfolioResult
from .save import save_figure
from .style import PALETTE, SCENARIO_COLOURS, canvas, style

__all__ = [
    "box_figure",
    "front_figure",
    "save_discovery_figures",
    "save_front_figure",
    "scatter_figure",
    "scores_figure",
    "tradeoff_figure",
]

OUTCOME_LABELS = {
    "share_scaled": "share of firms at scale",
    "share_in_place": "share of firms with use cases in place",
    "productivity_realised": "realised productivity gain (points)",
}
LEVER_LABELS = {
    "tripartite_strategy": "strategy",
    "training": "training",
    "co_managed_outsourcing": "co-managed providers",
    "dedicated_staff": "staff",
    "regulatory_clarity": "regulatory clarity",
    "cost_support": "cost support",
    "security_framework": "security",
}
"""Short names of the levers on the front's labels."""
ABOVE = SCENARIO_COLOURS[0]
BELOW = "#bdbdbd"
TOP_SCORES = 15


def _meta(result: Discovery) -> dict[str, Any]:
    plan = result.plan
    return {
        "root_seed": plan.root_seed,
        "firms": plan.firms,
        "param_hash": plan.source.digest(),
        "note": f"{plan.runs:,} runs (levers on a Latin hypercube from {plan.start}; "
        f"{plan.source.description})",
    }


def _question(result: Discovery) -> str:
    label = OUTCOME_LABELS.get(result.outcome, result.outcome)
    value = (
        f"{result.threshold:.0%}"
        if result.outcome.startswith("share")
        else (f"{result.threshold:g}")
    )
    return f"When is the {label} at {result.plan.month} above {value}?"


def tradeoff_figure(result: Discovery):
    """Density against coverage along PRIM's peeling trajectory (the box reported ringed)."""
    import matplotlib as mpl

    t = result.trajectory
    chosen = t.iloc[result.chosen]
    with style():
        fig, body = canvas(
            7.5,
            5.6,
            "Scenario discovery: PRIM's boxes, coverage against density",
            f"{_question(result)} Each point is a box of the peeling trajectory: coverage is "
            "the share of the runs above the threshold that fall in the box, density the share "
            "of the runs in the box that are above it. Ringed: the box reported (the densest "
            f"covering at least {result.min_coverage:.0%}).",
            _meta(result),
        )
        ax = body.subplots()
        top = max(int(t["res_dim"].max()), 1)
        cmap = mpl.colormaps["viridis"].resampled(top + 1)
        points = ax.scatter(
            t["coverage"],
            t["density"],
            c=t["res_dim"],
            cmap=cmap,
            vmin=-0.5,
            vmax=top + 0.5,
            s=36,
            zorder=3,
        )
        ax.plot(t["coverage"], t["density"], color=PALETTE["muted"], lw=0.8, zorder=2)
        ax.scatter(
            [chosen["coverage"]],
            [chosen["density"]],
            s=220,
            facecolors="none",
            edgecolors=PALETTE["reference"],
            linewidths=1.6,
            zorder=4,
        )
        ax.text(
            0.02,
            0.03,
            f"box {result.chosen} (ringed): coverage {chosen['coverage']:.2f}, density "
            f"{chosen['density']:.2f}, {int(chosen['res_dim'])} input(s) restricted",
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": PALETTE["grid"]},
        )
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(max(0.0, t["coverage"].min() - 0.05), 1.02)
        ax.set_ylim(max(0.0, t["density"].min() - 0.05), 1.02)
        bar = fig.colorbar(points, ax=ax, ticks=range(top + 1))
        bar.set_label("inputs restricted")
    return fig


def box_figure(result: Discovery):
    """The box reported: each restricted input's range (grey) and the box's interval."""
    box = result.box
    stats = result.trajectory.iloc[result.chosen]
    with style():
        fig, body = canvas(
            7.5,
            1.6 + 0.45 * max(len(box), 1),
            "Scenario discovery: the box reported",
            f"{_question(result)} In the box, {stats['density']:.0%} of the runs are above the "
            f"threshold; it holds {stats['coverage']:.0%} of all the runs above it. Grey: the "
            "input's sampled range; blue: the box's limits.",
            _meta(result),
        )
        ax = body.subplots()
        if box.empty:
            ax.text(0.5, 0.5, "the box restricts no input", ha="center", va="center")
            ax.set_axis_off()
            return fig
        for row, r in enumerate(box.itertuples()):
            span = (r.range_high - r.range_low) or 1.0
            lo, hi = (r.low - r.range_low) / span, (r.high - r.range_low) / span
            ax.barh(row, 1.0, left=0.0, color="#e0e0e0", height=0.55)
            ax.barh(row, hi - lo, left=lo, color=ABOVE, height=0.55)
            ax.text(
                1.04,
                row,
                f"{r.low:.3g} to {r.high:.3g}  (of {r.range_low:.3g} to {r.range_high:.3g})",
                ha="left",
                va="center",
                fontsize=8.5,
                clip_on=False,
            )
        ax.set_yticks(range(len(box)), list(box["input"]))
        ax.set_ylim(len(box) - 0.4, -0.7)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xticks([0, 0.5, 1], ["range low", "middle", "range high"])
    return fig


def scores_figure(result: Discovery):
    """The feature scores of the top inputs, for the outcome and the case of interest."""
    scores = result.scores.head(TOP_SCORES)
    with style():
        fig, body = canvas(
            7.5,
            1.9 + 0.3 * len(scores),
            "Scenario discovery: which inputs matter (feature scores)",
            f"{_question(result)} Extra-trees importance of each lever and uncertain parameter "
            f"(EMA Workbench), for the outcome itself and for being above the threshold; the "
            f"top {len(scores)} of {len(result.scores)} inputs by the first.",
            _meta(result),
        )
        ax = body.subplots()
        y = np.arange(len(scores))
        ax.barh(
            y - 0.2,
            scores["score_outcome"],
            height=0.38,
            color=ABOVE,
            label=f"{OUTCOME_LABELS.get(result.outcome, result.outcome)}",
        )
        ax.barh(
            y + 0.2,
            scores["score_above"],
            height=0.38,
            color=SCENARIO_COLOURS[1],
            label="above the threshold",
        )
        ax.set_yticks(y, list(scores["input"]))
        ax.invert_yaxis()
        ax.set_xlabel("feature score (share of the forest's impurity decrease)")
        ax.legend(loc="lower right", frameon=False)
    return fig


def scatter_figure(result: Discovery):
    """The runs over the two highest-scored inputs the box restricts (or the two top-scored
    inputs), above the threshold or not, with the box's limits."""
    restricted = list(result.box["input"])
    ranked = [i for i in result.scores["input"] if i in restricted] or list(result.scores["input"])
    ranked += [i for i in result.scores["input"] if i not in ranked]
    xname, yname = ranked[0], ranked[1]
    data = result.outcomes
    above = data["above"].to_numpy(dtype=bool)
    with style():
        fig, body = canvas(
            7.0,
            6.0,
            "Scenario discovery: the runs over two of the box's inputs",
            f"{_question(result)} Each point is a run (its levers and its posterior draw) over "
            f"{xname} and {yname}, the box's inputs with the highest feature scores; blue: "
            "above the threshold. The rectangle: the box reported on these two inputs "
            "(its other restrictions apply too).",
            _meta(result),
        )
        ax = body.subplots()
        ax.scatter(
            data.loc[~above, xname],
            data.loc[~above, yname],
            s=9,
            color=BELOW,
            label="below or at the threshold",
        )
        ax.scatter(
            data.loc[above, xname],
            data.loc[above, yname],
            s=9,
            color=ABOVE,
            label="above the threshold",
        )
        lims = result.box_limits[result.chosen]
        x0, x1 = float(lims.at[0, xname]), float(lims.at[1, xname])
        y0, y1 = float(lims.at[0, yname]), float(lims.at[1, yname])
        ax.add_patch(_rectangle(x0, y0, x1 - x0, y1 - y0))
        ax.set_xlabel(xname)
        ax.set_ylabel(yname)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    return fig


def _rectangle(x: float, y: float, w: float, h: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, edgecolor=PALETTE["reference"], linewidth=1.6)


def front_figure(result: PortfolioResult):
    """A portfolio's Pareto front: the robust outcome (its quantile over the draws) of each mix
    against its effort, every mix evaluated in grey, the front joined in colour and labelled
    with its levers."""
    p = result.portfolio
    front, evaluated = result.front, result.evaluated
    label = OUTCOME_LABELS.get(p.outcome, p.outcome)
    meta = {
        "root_seed": p.seed,
        "firms": p.firms,
        "note": f"{len(evaluated)} mixes x {p.draws} draws; {result.description}",
    }
    with style():
        fig, body = canvas(
            8.0,
            5.8,
            "Lever portfolios: the Pareto front of robust outcome against effort",
            f"Outcome: the {p.quantile:.0%} quantile over {p.draws} posterior draws (common "
            f"random numbers) of the {label} at {p.month}, levers from {p.start}. Effort: cost "
            f"per targeted firm x share x {p.firms:,} firms, summed over the levers. Grey: every "
            "mix the optimiser evaluated; blue: the mixes no other beats on both.",
            meta,
        )
        ax = body.subplots()
        ax.scatter(
            evaluated["effort"], evaluated["robust"], s=10, color=BELOW, label="mixes evaluated"
        )
        ax.plot(front["effort"], front["robust"], "-o", color=ABOVE, ms=5, label="Pareto front")
        for row in front.itertuples(index=False):
            on = [
                f"{LEVER_LABELS.get(k, k)} {getattr(row, k):.0%}"
                for k in p.levers
                if getattr(row, k) > 0
            ]
            ax.annotate(
                ", ".join(on) or "no lever",
                (row.effort, row.robust),
                fontsize=7,
                xytext=(4, -10),
                textcoords="offset points",
                color=PALETTE["muted"],
            )
        span = float(evaluated["effort"].max()) or 1.0
        ax.set_xlim(-0.04 * span, 1.18 * span)  # room for the last point's label
        ax.set_xlabel("effort (cost x firms targeted)")
        ax.set_ylabel(f"{p.quantile:.0%} quantile of the {label}")
        if p.outcome.startswith("share"):
            ax.yaxis.set_major_formatter(_percent())
        ax.legend(loc="lower right", frameon=False)
    return fig


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)


def save_front_figure(result: PortfolioResult, folder: str | os.PathLike[str]) -> Path:
    """Draw :func:`front_figure` and save it as ``folder/front.png``."""
    return save_figure(front_figure(result), Path(folder) / "front", formats=("png",))["png"]


DISCOVERY_FIGURES = {
    "prim_tradeoff": tradeoff_figure,
    "prim_box": box_figure,
    "feature_scores": scores_figure,
    "prim_scatter": scatter_figure,
}


def save_discovery_figures(
    result: Discovery, folder: str | os.PathLike[str], formats: tuple[str, ...] = ("png",)
) -> dict[str, Path]:
    """Draw every figure of a discovery and save it into ``folder`` (atomically)."""
    meta = {"question": result.question, **_meta(result)}
    out: dict[str, Path] = {}
    for name, draw in DISCOVERY_FIGURES.items():
        paths = save_figure(draw(result), Path(folder) / name, metadata=meta, formats=formats)
        out[f"figures/{name}"] = paths[formats[0]]
    return out
