"""Figures of a scenario discovery (:mod:`aiadopt.experiments.discovery`) and of a lever
portfolio's front (:mod:`aiadopt.experiments.portfolio`), drawn from the result just computed or
from the folder the command wrote (``aiadopt plot`` and ``aiadopt report`` redraw them).

- :func:`tradeoff_figure`: PRIM's peeling trajectory, density against coverage, each box
  coloured by how many inputs it restricts (an ordered scale), the box reported ringed;
- :func:`box_figure`: the box reported, one row per restricted input: its full range in grey,
  the box's interval in colour, with the limits written;
- :func:`scores_figure`: the feature scores (extra trees), for the outcome and for the case of
  interest, the top inputs;
- :func:`scatter_figure`: the runs over the two highest-scored restricted inputs, above the
  threshold or not, with the box drawn;
- :func:`front_figure`: a portfolio's Pareto front, robust outcome against effort, its points
  numbered and their mixes in a table beside the plot.

Each figure takes the tables (:class:`DiscoveryTables`, :class:`FrontTables`) or the result
they come from (:class:`~aiadopt.experiments.discovery.Discovery`,
:class:`~aiadopt.experiments.portfolio.PortfolioResult`).  :func:`read_discovery` and
:func:`read_portfolio` read the tables back from a folder: a discovery's ``manifest.json``,
``outcomes.csv``, ``prim_trajectory.csv``, ``prim_box.csv`` and ``feature_scores.csv``; a
portfolio's ``front.csv``, ``evaluated.csv`` and the question they answer, ``portfolio.json``
(all written by :func:`~aiadopt.experiments.portfolio.run_portfolio`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.discovery import (
    BOX_COLUMNS,
    BOX_FILE,
    LEVER_KINDS,
    OUTCOMES,
    OUTCOMES_FILE,
    SCORES_FILE,
    SIGNIFICANCE,
    TRAJECTORY_FILE,
    Discovery,
    significant,
)
from ..experiments.portfolio import (
    EVALUATED_FILE,
    FRONT_FILE,
    PORTFOLIO_FILE,
    PortfolioResult,
    portfolio_question,
)
from ..files import __version__
from .folder import ResultsError
from .save import save_figure
from .style import PALETTE, SCENARIO_COLOURS, canvas, style

__all__ = [
    "DISCOVERY_FIGURES",
    "PORTFOLIO_FILE",
    "DiscoveryTables",
    "FrontTables",
    "box_figure",
    "discovery_figures",
    "discovery_tables",
    "front_cells",
    "front_figure",
    "front_tables",
    "read_discovery",
    "read_portfolio",
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
_QUESTION = re.compile(r"^(?P<outcome>\w+) at (?P<month>\d{4}-\d{2}) > (?P<threshold>\S+)$")
"""``Discovery.question`` as written in ``prim_box.csv``: ``OUTCOME at YYYY-MM > THRESHOLD``."""


# --- the tables -----------------------------------------------------------------------------------
@dataclass(eq=False)
class DiscoveryTables:
    """What a discovery found, as its figures and report need it: the question (outcome,
    threshold, month), the design (runs, firms, seed, parameters), the runs' inputs and
    outcomes, PRIM's trajectory and the box reported, and the feature scores."""

    outcome: str
    threshold: float
    month: str
    start: str
    runs: int
    firms: int
    root_seed: int | None
    param_hash: str | None
    source: str
    outcomes: pd.DataFrame  # one row per run: inputs, outcomes, above
    trajectory: pd.DataFrame  # box, coverage, density, mass, res_dim
    chosen: int  # the box reported (a row of the trajectory)
    box: pd.DataFrame  # input, low, high, range_low, range_high, qp_low, qp_high, qp
    scores: pd.DataFrame  # input, score_outcome, score_above
    min_coverage: float | None = None  # the rule that chose the box, when known
    folder: Path | None = None
    version: str | None = None

    @property
    def question(self) -> str:
        """The question in words: "When is the share of firms at scale at 2028-12 above
        40%?"."""
        label = OUTCOME_LABELS.get(self.outcome, self.outcome)
        value = (
            f"{self.threshold:.0%}" if self.outcome.startswith("share") else f"{self.threshold:g}"
        )
        return f"When is the {label} at {self.month} above {value}?"

    @property
    def stats(self) -> pd.Series:
        """Coverage, density, mass and restricted inputs of the box reported."""
        return self.trajectory.iloc[self.chosen]

    @property
    def n_above(self) -> int:
        """How many runs are above the threshold (the cases of interest)."""
        return int(self.outcomes["above"].sum())

    def limits(self, name: str) -> tuple[float, float]:
        """The box's limits on input ``name``: its restriction, else the input's sampled
        range (the box does not restrict it)."""
        row = self.box[self.box["input"] == name]
        if len(row):
            return float(row["low"].iloc[0]), float(row["high"].iloc[0])
        values = self.outcomes[name]
        return float(values.min()), float(values.max())

    def meta(self) -> dict[str, Any]:
        """The figures' footer: seed, firms, parameters, how the runs were made."""
        return {
            "version": self.version,
            "root_seed": self.root_seed,
            "firms": self.firms,
            "param_hash": self.param_hash,
            "note": f"{self.runs:,} runs (levers on a Latin hypercube from {self.start}; "
            f"{self.source})",
        }


def discovery_tables(result: Discovery | DiscoveryTables) -> DiscoveryTables:
    """The tables of a discovery just computed (or ``result`` itself if already tables)."""
    if isinstance(result, DiscoveryTables):
        return result
    plan = result.plan
    return DiscoveryTables(
        outcome=result.outcome,
        threshold=float(result.threshold),
        month=plan.month,
        start=plan.start,
        runs=plan.runs,
        firms=plan.firms,
        root_seed=plan.root_seed,
        param_hash=plan.source.digest(),
        source=plan.source.description,
        outcomes=result.outcomes,
        trajectory=result.trajectory,
        chosen=int(result.chosen),
        box=result.box,
        scores=result.scores,
        min_coverage=result.min_coverage,
        folder=result.out,
        version=__version__,
    )


def read_discovery(folder: str | os.PathLike[str]) -> DiscoveryTables:
    """Read the tables an ``aiadopt discover`` folder holds (see the module docstring).

    Raises:
        ResultsError: the folder is not a discovery's, or its analysis is missing (the runs
            were interrupted before it) or unreadable; the message names the file.
    """
    path = Path(folder)
    manifest = _read_json(path / "manifest.json")
    if manifest.get("kind") != "discovery":
        raise ResultsError(f"{path / 'manifest.json'}: not a discovery's manifest (kind "
                           f"{manifest.get('kind')!r}, expected 'discovery')")  # fmt: skip
    tables = {name: _read_csv(path, name) for name in
              (OUTCOMES_FILE, TRAJECTORY_FILE, BOX_FILE, SCORES_FILE)}  # fmt: skip
    trajectory = tables[TRAJECTORY_FILE]
    box = tables[BOX_FILE]
    outcomes = tables[OUTCOMES_FILE]
    _require(path / TRAJECTORY_FILE, trajectory, ("box", "coverage", "density", "mass",
                                                  "res_dim", "reported"))  # fmt: skip
    _require(path / BOX_FILE, box, ("input", "low", "high", "range_low", "range_high"))
    _require(path / OUTCOMES_FILE, outcomes, ("above",))
    _require(path / SCORES_FILE, tables[SCORES_FILE], ("input", "score_outcome", "score_above"))
    reported = trajectory.index[trajectory["reported"].astype(bool)]
    if len(reported) != 1:
        raise ResultsError(f"{path / TRAJECTORY_FILE}: expected one box marked reported, "
                           f"found {len(reported)}")  # fmt: skip
    question = _recorded_question(path / "manifest.json", manifest)
    if question is None:  # a folder written before its manifest recorded the question
        outcome, threshold = _question_of(path, box, outcomes)
        question = {"outcome": outcome, "threshold": threshold}
    scenario = (manifest.get("scenarios") or [{}])[0]
    return DiscoveryTables(
        outcome=question["outcome"],
        threshold=question["threshold"],
        month=str(question.get("month") or manifest.get("until")),
        start=str(scenario.get("start", "?")),
        runs=len(outcomes),
        firms=int(manifest.get("firms") or 0),
        root_seed=manifest.get("root_seed"),
        param_hash=manifest.get("param_hash"),
        source=str(manifest.get("params_source") or "parameters not recorded"),
        outcomes=outcomes,
        trajectory=trajectory.drop(columns="reported"),
        chosen=int(reported[0]),
        box=box.reindex(columns=list(BOX_COLUMNS)),  # qp: NaN in a folder written before it
        scores=tables[SCORES_FILE],
        min_coverage=question.get("min_coverage"),
        folder=path,
        version=manifest.get("version"),
    )


def _recorded_question(file: Path, manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """The question a discovery's manifest records (key ``question``, written with the
    tables: :meth:`~aiadopt.experiments.discovery.Discovery.question_record`), checked; None
    when the manifest predates it."""
    question = manifest.get("question")
    if question is None:
        return None
    if not isinstance(question, Mapping):
        raise ResultsError(f"{file}: question: expected an object (outcome, threshold, month)")
    if question.get("outcome") not in OUTCOMES:
        raise ResultsError(f"{file}: question.outcome: {question.get('outcome')!r} is not an "
                           f"outcome; allowed: {', '.join(OUTCOMES)}")  # fmt: skip
    for key in ("threshold", "min_coverage"):
        value = question.get(key)
        if key == "threshold" or value is not None:
            try:
                float(value)
            except (TypeError, ValueError):
                raise ResultsError(f"{file}: question.{key}: expected a number, got "
                                   f"{value!r}") from None  # fmt: skip
    return {
        "outcome": question["outcome"],
        "threshold": float(question["threshold"]),
        "month": question.get("month"),
        "min_coverage": None if question.get("min_coverage") is None
        else float(question["min_coverage"]),
    }


def _question_of(path: Path, box: pd.DataFrame, outcomes: pd.DataFrame) -> tuple[str, float]:
    """The outcome and threshold of a discovery folder written before its manifest recorded
    them: from the box's ``question`` column (the threshold rounded to 6 digits); a box that
    restricts nothing has no row, so then from the runs: the outcome whose values split the
    runs as ``above`` does, the threshold its highest value not above."""
    if "question" in box.columns and len(box):
        found = _QUESTION.match(str(box["question"].iloc[0]))
        if found and found["outcome"] in OUTCOMES:
            return found["outcome"], float(found["threshold"])
    above = outcomes["above"].astype(bool).to_numpy()
    for name in OUTCOMES:
        if name in outcomes.columns and above.any() and not above.all():
            values = outcomes[name].to_numpy(dtype=float)
            if values[~above].max() < values[above].min():
                return name, float(values[~above].max())
    raise ResultsError(f"{path / BOX_FILE}: the discovery's question (outcome and threshold) "
                       "cannot be read; run 'aiadopt discover' into the folder again")  # fmt: skip


@dataclass(eq=False)
class FrontTables:
    """A portfolio's front, every mix evaluated, and the question they answer (``question``:
    the portfolio's outcome, month, start, quantile, draws, firms, seed, levers' costs, the
    parameters' source; empty when the folder does not say)."""

    front: pd.DataFrame  # one row per mix on the front: each lever's share, effort, robust
    evaluated: pd.DataFrame  # every mix the optimiser evaluated
    question: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def levers(self) -> list[str]:
        """The levers mixed (the tables' columns that name an intervention kind)."""
        return [c for c in self.front.columns if c in LEVER_KINDS]

    @property
    def outcome_label(self) -> str:
        """What the front's vertical axis is, in words."""
        q = self.question
        label = OUTCOME_LABELS.get(q.get("outcome", ""), q.get("outcome"))
        if label is None or q.get("quantile") is None:
            return "robust outcome"
        return f"{float(q['quantile']):.0%} quantile of the {label}"

    def mix_text(self, row: Mapping[str, Any]) -> str:
        """A mix in words: "strategy 100%, training 50%" (or "no lever")."""
        on = [f"{LEVER_LABELS.get(k, k)} {float(row[k]):.0%}" for k in self.levers
              if float(row[k]) > 0]  # fmt: skip
        return ", ".join(on) or "no lever"


def front_tables(result: PortfolioResult | FrontTables) -> FrontTables:
    """The tables of a portfolio just computed (or ``result`` itself if already tables)."""
    if isinstance(result, FrontTables):
        return result
    return FrontTables(result.front, result.evaluated, portfolio_question(result),
                      _folder_of(result))  # fmt: skip


def _folder_of(result: PortfolioResult) -> Path | None:
    paths = list(result.paths.values())
    return paths[0].parent if paths else None


def read_portfolio(folder: str | os.PathLike[str]) -> FrontTables:
    """Read the front an ``aiadopt portfolio`` folder holds: ``front.csv``, ``evaluated.csv``
    and, when present, ``portfolio.json`` (the question; without it the figure and the report
    say the outcome is a robust outcome of unknown kind).

    Raises:
        ResultsError: a table is missing, unreadable or lacks its columns (naming the file).
    """
    path = Path(folder)
    front, evaluated = _read_csv(path, FRONT_FILE), _read_csv(path, EVALUATED_FILE)
    for name, table in ((FRONT_FILE, front), (EVALUATED_FILE, evaluated)):
        _require(path / name, table, ("effort", "robust"))
    question = _read_json(path / PORTFOLIO_FILE) if (path / PORTFOLIO_FILE).is_file() else {}
    tables = FrontTables(front, evaluated, question, path)
    if not tables.levers:
        raise ResultsError(f"{path / FRONT_FILE}: no lever column (expected one or more of "
                           f"{', '.join(LEVER_KINDS)})")  # fmt: skip
    return tables


def _read_json(file: Path) -> dict[str, Any]:
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{file}: unreadable ({exc})") from None
    if not isinstance(value, dict):
        raise ResultsError(f"{file}: expected a JSON object")
    return value


def _read_csv(folder: Path, name: str) -> pd.DataFrame:
    file = folder / name
    if not file.is_file():
        raise ResultsError(f"{file}: missing (the command that writes the folder did not finish; "
                           "run it again into the same folder)")  # fmt: skip
    try:
        return pd.read_csv(file)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ResultsError(f"{file}: unreadable ({exc})") from None


def _require(file: Path, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ResultsError(f"{file}: column {missing[0]!r} missing (expected "
                           f"{', '.join(columns)})")  # fmt: skip


# --- the figures ----------------------------------------------------------------------------------


def tradeoff_figure(result: Discovery | DiscoveryTables):
    """Density against coverage along PRIM's peeling trajectory (the box reported ringed)."""
    import matplotlib as mpl

    d = discovery_tables(result)
    t = d.trajectory
    chosen = d.stats
    rule = (
        f" (the densest covering at least {d.min_coverage:.0%})"
        if d.min_coverage is not None
        else ""
    )
    with style():
        fig, body = canvas(
            7.5,
            5.6,
            "Scenario discovery: PRIM's boxes, coverage against density",
            f"{d.question} Each point is a box of the peeling trajectory: coverage is "
            "the share of the runs above the threshold that fall in the box, density the share "
            f"of the runs in the box that are above it. Ringed: the box reported{rule}.",
            d.meta(),
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
            f"box {d.chosen} (ringed): coverage {chosen['coverage']:.2f}, density "
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


def box_figure(result: Discovery | DiscoveryTables):
    """The box reported: each restricted input's range (grey) and the box's interval."""
    d = discovery_tables(result)
    box = d.box
    stats = d.stats
    with style():
        fig, body = canvas(
            8.5,
            2.4 + 0.55 * max(len(box), 1),
            "Scenario discovery: the box reported",
            f"{d.question} In the box, {stats['density']:.0%} of the runs are above the "
            f"threshold; it holds {stats['coverage']:.0%} of all the runs above it. Grey: the "
            "input's sampled range; blue: the box's limits, with each limit's quasi-p-value; "
            f"n.s.: not significant ({SIGNIFICANCE:g} or more: the limit may be noise); pale: "
            "no limit of the input is significant.",
            d.meta(),
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
            sure = significant(r.qp)
            ax.barh(row, hi - lo, left=lo, color=ABOVE, alpha=1.0 if sure else 0.35, height=0.55)
            ax.text(
                1.04,
                row,
                f"{r.low:.3g} to {r.high:.3g}  (of {r.range_low:.3g} to {r.range_high:.3g})\n"
                f"{_qp_label(r.qp_low, r.qp_high)}",
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


def _qp_label(qp_low: float, qp_high: float) -> str:
    """The quasi-p-values of a restriction's limits, short: "quasi-p: lower 4.3e-06, upper
    0.41 (n.s.)"."""
    parts = [
        f"{side} {qp:.2g}" + ("" if significant(qp) else " (n.s.)")
        for side, qp in (("lower", qp_low), ("upper", qp_high))
        if np.isfinite(qp)
    ]
    return "quasi-p: " + (", ".join(parts) if parts else "not recorded")


def scores_figure(result: Discovery | DiscoveryTables):
    """The feature scores of the top inputs, for the outcome and the case of interest."""
    d = discovery_tables(result)
    scores = d.scores.head(TOP_SCORES)
    with style():
        fig, body = canvas(
            7.5,
            1.9 + 0.3 * len(scores),
            "Scenario discovery: which inputs matter (feature scores)",
            f"{d.question} Extra-trees importance of each lever and uncertain parameter "
            f"(EMA Workbench), for the outcome itself and for being above the threshold; the "
            f"top {len(scores)} of {len(d.scores)} inputs by the first.",
            d.meta(),
        )
        ax = body.subplots()
        y = np.arange(len(scores))
        ax.barh(
            y - 0.2,
            scores["score_outcome"],
            height=0.38,
            color=ABOVE,
            label=f"{OUTCOME_LABELS.get(d.outcome, d.outcome)}",
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


def scatter_figure(result: Discovery | DiscoveryTables):
    """The runs over the two highest-scored inputs the box restricts (or the two top-scored
    inputs), above the threshold or not, with the box's limits."""
    d = discovery_tables(result)
    restricted = list(d.box["input"])
    ranked = [i for i in d.scores["input"] if i in restricted] or list(d.scores["input"])
    ranked += [i for i in d.scores["input"] if i not in ranked]
    xname, yname = ranked[0], ranked[1]
    data = d.outcomes
    above = data["above"].to_numpy(dtype=bool)
    with style():
        fig, body = canvas(
            7.0,
            6.0,
            "Scenario discovery: the runs over two of the box's inputs",
            f"{d.question} Each point is a run (its levers and its posterior draw) over "
            f"{xname} and {yname}, the box's inputs with the highest feature scores; blue: "
            "above the threshold. The rectangle: the box reported on these two inputs "
            "(its other restrictions apply too).",
            d.meta(),
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
        (x0, x1), (y0, y1) = d.limits(xname), d.limits(yname)
        ax.add_patch(_rectangle(x0, y0, x1 - x0, y1 - y0))
        ax.set_xlabel(xname)
        ax.set_ylabel(yname)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    return fig


def _rectangle(x: float, y: float, w: float, h: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, edgecolor=PALETTE["reference"], linewidth=1.6)


def front_figure(result: PortfolioResult | FrontTables):
    """A portfolio's Pareto front: the robust outcome (its quantile over the draws) of each mix
    against its effort, every mix evaluated in grey, the front joined in colour, its points
    numbered by effort and their mixes in a table beside the plot (labels written at the
    points overlapped where the front flattens and its points crowd together)."""
    t = front_tables(result)
    front, evaluated, q = t.front.sort_values("effort"), t.evaluated, t.question
    meta = {
        "version": q.get("version"),
        "root_seed": q.get("seed"),
        "firms": q.get("firms"),
        "note": f"{len(evaluated)} mixes"
        + (f" x {q['draws']} draws" if q.get("draws") else "")
        + (f"; {q['parameters']}" if q.get("parameters") else ""),
    }
    cells, columns = front_cells(t, front)
    table_in = 0.3 + 0.62 * len(columns)
    with style():
        fig, body = canvas(
            6.6 + table_in,
            max(5.8, 2.6 + 0.2 * len(front)),
            "Lever portfolios: the Pareto front of robust outcome against effort",
            _front_subtitle(t),
            meta,
        )
        ax, side = body.subplots(1, 2, width_ratios=[6.4, table_in])
        ax.scatter(
            evaluated["effort"], evaluated["robust"], s=10, color=BELOW, label="mixes evaluated"
        )
        ax.plot(front["effort"], front["robust"], "-o", color=ABOVE, ms=5, label="Pareto front")
        span = float(evaluated["effort"].max()) or 1.0
        for number, row in enumerate(front.to_dict("records"), start=1):
            # the front rises and is concave: above-left of a point is clear of the line
            # (the segment from the previous point runs below it) and of the grey mixes
            ax.annotate(
                str(number),
                (row["effort"], row["robust"]),
                fontsize=7.5,
                xytext=(-3, 4),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color=PALETTE["zero"],
            )
        ax.set_xlim(-0.04 * span, 1.06 * span)
        ax.set_xlabel("effort (cost x firms targeted)")
        ax.set_ylabel(t.outcome_label)
        if str(q.get("outcome", "")).startswith("share"):
            ax.yaxis.set_major_formatter(_percent())
        ax.legend(loc="lower right", frameon=False)
        _mix_table(side, cells, columns)
    return fig


def front_cells(t: FrontTables, front: pd.DataFrame) -> tuple[list[list[str]], list[str]]:
    """The front's table beside its figure: one row per point (numbered as on the plot, by
    effort): the share of firms each lever treats (blank when off), the effort and the
    robust outcome."""
    columns = ["#", *(LEVER_LABELS.get(k, k).replace(" ", "\n", 1) for k in t.levers)]
    columns += ["effort", "outcome"]
    share = str(t.question.get("outcome", "")).startswith("share")
    cells = []
    for number, row in enumerate(front.to_dict("records"), start=1):
        levers = [f"{float(row[k]):.0%}" if float(row[k]) > 0 else "" for k in t.levers]
        value = f"{float(row['robust']):.1%}" if share else f"{float(row['robust']):.3g}"
        cells.append([str(number), *levers, f"{float(row['effort']):,.0f}", value])
    return cells, columns


def _mix_table(ax, cells: list[list[str]], columns: list[str]) -> None:
    """Draw the front's table (:func:`front_cells`) in ``ax``, from its top."""
    ax.set_axis_off()
    rows = len(cells) + 1
    height = min(1.0, 0.075 * rows)
    drawn = ax.table(cellText=cells, colLabels=columns, loc="upper center", cellLoc="right",
                     bbox=(0.0, 1.0 - height, 1.0, height))  # fmt: skip
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(7.5)
    for (r, c), cell in drawn.get_celld().items():
        cell.set_edgecolor(PALETTE["grid"])
        if c == 0:  # the point's number: a narrow column
            cell.set_width(cell.get_width() * 0.5)
        cell.set_linewidth(0.5)
        if r == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_height(cell.get_height() * 1.6)
        elif r % 2 == 0:
            cell.set_facecolor(PALETTE["stripe"])


def _front_subtitle(t: FrontTables) -> str:
    q = t.question
    grey = (" Grey: every mix the optimiser evaluated; blue: the mixes no other beats on both "
            "(less effort and a higher robust outcome), numbered by effort, their mixes in the "
            "table.")  # fmt: skip
    if not q.get("outcome"):
        return (
            "The robust outcome (a quantile over posterior draws) of each mix against its "
            f"effort; the folder does not say which outcome ({PORTFOLIO_FILE} is missing)." + grey
        )
    label = OUTCOME_LABELS.get(q["outcome"], q["outcome"])
    return (
        f"Outcome: the {float(q['quantile']):.0%} quantile over {q['draws']} posterior draws "
        f"(common random numbers) of the {label} at {q['month']}, levers from {q['start']}. "
        f"Effort: cost per targeted firm x share x {int(q['firms']):,} firms, summed over the "
        "levers." + grey
    )


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)


def save_front_figure(result: PortfolioResult, folder: str | os.PathLike[str]) -> Path:
    """Draw :func:`front_figure` and save it as ``folder/front.png`` (the tables and the
    question, ``portfolio.json``, are written by
    :func:`~aiadopt.experiments.portfolio.run_portfolio`)."""
    return save_figure(front_figure(result), Path(folder) / "front", formats=("png",))["png"]


DISCOVERY_FIGURES = {
    "prim_tradeoff": tradeoff_figure,
    "prim_box": box_figure,
    "feature_scores": scores_figure,
    "prim_scatter": scatter_figure,
}
"""The figures of a discovery, by file name (without suffix)."""


def discovery_figures(result: Discovery | DiscoveryTables) -> dict[str, Any]:
    """Every figure of a discovery (:data:`DISCOVERY_FIGURES`), drawn, by name."""
    tables = discovery_tables(result)
    return {name: draw(tables) for name, draw in DISCOVERY_FIGURES.items()}


def save_discovery_figures(
    result: Discovery | DiscoveryTables,
    folder: str | os.PathLike[str],
    formats: tuple[str, ...] = ("png",),
) -> dict[str, Path]:
    """Draw every figure of a discovery and save it into ``folder`` (atomically)."""
    tables = discovery_tables(result)
    meta = {"question": tables.question, **tables.meta()}
    out: dict[str, Path] = {}
    for name, fig in discovery_figures(tables).items():
        paths = save_figure(fig, Path(folder) / name, metadata=meta, formats=formats)
        out[f"figures/{name}"] = paths[formats[0]]
    return out
