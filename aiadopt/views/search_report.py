"""The report of a search over the levers (``aiadopt report DIR``): a scenario discovery's or a
lever portfolio's folder, as one self-contained HTML page like the experiments' report
(:mod:`aiadopt.views.report`, which calls :func:`build_search_html` for these folders).

- A discovery (``aiadopt discover``): the question (an outcome above a threshold at a month),
  the answer in one paragraph (the box PRIM reports, its coverage and density, the inputs it
  restricts), the four figures with a sentence each, the tables behind them (the box, PRIM's
  peeling trajectory, the feature scores) and the provenance.
- A portfolio (``aiadopt portfolio``): the question (a quantile of an outcome over posterior
  draws, against effort), the Pareto front as a table and a figure, the levers' costs, every
  mix evaluated (folded) and the provenance.

Every number is read from the folder's tables (:func:`aiadopt.views.discovery.read_discovery`,
:func:`~aiadopt.views.discovery.read_portfolio`); nothing here runs a model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.discovery import SIGNIFICANCE, significance_text, significant
from ..files import __version__
from ..model.interventions import REDUCING
from .discovery import (
    LEVER_LABELS,
    OUTCOME_LABELS,
    PORTFOLIO_FILE,
    DiscoveryTables,
    FrontTables,
    discovery_figures,
    front_figure,
)
from .page import embed, escape, figure, page_head, table

__all__ = ["SEARCH_TITLES", "build_search_html"]

SEARCH_TITLES = {
    "discovery": "Scenario discovery: in which conditions is an outcome reached? (aiadopt)",
    "portfolio": "Lever portfolios: the best mix of levers for each effort (aiadopt)",
}
"""The pages' titles, by kind of folder."""
TOP_SCORES = 20
"""Feature scores shown in the table (all of them are in feature_scores.csv)."""


def build_search_html(data: DiscoveryTables | FrontTables) -> tuple[str, list[str]]:
    """The report of a discovery's or a portfolio's folder as one HTML string, and the names
    of the figures it holds."""
    if isinstance(data, DiscoveryTables):
        return _discovery_page(data)
    return _portfolio_page(data)


# --- a discovery ---------------------------------------------------------------------------------


def _discovery_page(d: DiscoveryTables) -> tuple[str, list[str]]:
    images = {name: embed(fig) for name, fig in discovery_figures(d).items()}
    stats = d.stats
    parts = [
        page_head(SEARCH_TITLES["discovery"]),
        '<main class="page"><header>',
        "<h1>Scenario discovery: in which conditions is the outcome reached?</h1>",
        f'<p class="lede"><b>The question.</b> {escape(d.question)} {d.runs:,} runs of the '
        "model sample the levers (each intervention's share of treated firms, from "
        f"{escape(d.start)}, on a Latin hypercube) {_parameters_phrase(d)}; PRIM (the patient "
        "rule induction method, EMA Workbench) then "
        "looks for a box of inputs, a range for each of a few of them, in which the runs are "
        "mostly above the threshold.</p></header>",
        '<section id="summary" class="summary"><h2>1. The answer in one page</h2>',
        f'<ul class="keypoints">{"".join(f"<li>{i}</li>" for i in _discovery_answer(d))}</ul>',
        "<p><b>How to read it.</b> <i>Coverage</i> is the share of all the runs above the "
        "threshold that fall in the box (how much of the answer the box explains); "
        "<i>density</i> is the share of the runs in the box that are above the threshold (how "
        "sure the answer is inside it). Peeling the box further raises density and lowers "
        "coverage: the trade-off figure shows every box PRIM tried. A box describes the "
        "simulated runs: where a lever is in the box, it is a condition under which the "
        "outcome is likely, given the model and its posterior; the lever effects the data "
        "leave at their priors carry their assumptions into it.</p></section>",
        '<section id="figures"><h2>2. The figures</h2>',
        figure(
            images["prim_tradeoff"],
            "PRIM's peeling trajectory: each point is a box, coverage across and density up, "
            "coloured by how many inputs it restricts; the ringed one is reported. A box far "
            "up and to the right would be both complete and sure.",
            "prim-tradeoff",
        ),
        figure(
            images["prim_box"],
            "The box reported: for each input it restricts, the sampled range (grey) and the "
            f"box's interval (blue), with the limits. Its coverage is {stats['coverage']:.0%} "
            f"and its density {stats['density']:.0%}.",
            "prim-box",
        ),
        figure(
            images["prim_scatter"],
            "The runs over the two inputs of the box with the highest feature scores, above "
            "the threshold (blue) or not (grey), with the box's limits on them; the box's "
            "other restrictions apply too, so grey points inside the rectangle can lie outside "
            "the box.",
            "prim-scatter",
        ),
        figure(
            images["feature_scores"],
            "Which inputs matter: each input's extra-trees importance for the outcome itself "
            "and for being above the threshold (the scores of each sum to 1). Feature scores "
            "rank inputs without a box: an input that matters everywhere, a little, scores "
            "high without being restricted.",
            "feature-scores",
        ),
        "</section>",
        '<section id="tables"><h2>3. The tables behind the figures</h2>',
        _box_table(d),
        _trajectory_table(d),
        _scores_table(d),
        "</section>",
        _discovery_provenance(d),
        _footer(),
        "</main></body></html>",
    ]
    page = "\n".join(p for p in parts if p)
    return page, [n for n in images if images[n]["src"] in page]


def _parameters_phrase(d: DiscoveryTables) -> str:
    """How the runs' parameters vary: a posterior draw each, or not at all."""
    draws = d.outcomes.get("param_draw")  # -1: no draw, the point the source names
    if draws is not None and bool((draws >= 0).any()):
        return "and the uncertain parameters (one posterior draw per run) together"
    return f"at fixed parameters ({escape(d.source)}: only the levers and the seed vary)"


def _discovery_answer(d: DiscoveryTables) -> list[str]:
    """The answer as list items: how many runs are above, the box and its two measures."""
    stats = d.stats
    items = [
        f"<b>{d.n_above:,} of {d.runs:,} runs</b> ({d.n_above / d.runs:.0%}) are above the "
        "threshold."
    ]
    restricted = "".join(
        f"<li><b>{escape(r.input)}</b> {_number(r.low)} to {_number(r.high)} (sampled "
        f"{_number(r.range_low)} to {_number(r.range_high)}): "
        f"{escape(significance_text(r.qp_low, r.qp_high))}</li>"
        for r in d.box.itertuples()
    )
    in_box = round(float(stats["mass"]) * d.runs)
    items.append(
        f"<b>The box reported</b> (box {d.chosen} of {len(d.trajectory)} on PRIM's "
        f"trajectory) holds {in_box:,} runs: <b>coverage {stats['coverage']:.0%}</b> (of the "
        f"runs above the threshold, this share is in the box), <b>density "
        f"{stats['density']:.0%}</b> (of the runs in the box, this share is above it)."
    )
    items.append(
        f"It restricts {len(d.box)} input(s):<ul>{restricted}</ul>"
        if len(d.box)
        else "It restricts no input: no range of the levers or parameters singles out the "
        "runs above the threshold."
    )
    if len(d.box):
        items.append(_significance_item(d))
    top = d.scores.head(3)
    items.append(
        "<b>The inputs that matter most</b> (feature scores for the outcome): "
        + ", ".join(f"{escape(r.input)} ({r.score_outcome:.2f})" for r in top.itertuples())
        + "."
    )
    return items


def _significance_item(d: DiscoveryTables) -> str:
    """Which restrictions are findings and which may be noise (their quasi-p-values)."""
    qp = d.box["qp"].to_numpy(dtype=float)
    if not np.isfinite(qp).any():
        return ("<b>Significance</b>: the folder does not record the restrictions' "
                "quasi-p-values (written before they were); run 'aiadopt discover' into it "
                "again to add them.")  # fmt: skip
    sure = [r.input for r in d.box.itertuples() if significant(r.qp)]
    noise = [r.input for r in d.box.itertuples() if not significant(r.qp)]
    text = (f"<b>Significance</b> (quasi-p-value of each limit, a one-sided binomial test "
            f"that the box's density needs it; significant below {SIGNIFICANCE:g}): ")  # fmt: skip
    text += (f"significant: {escape(', '.join(sure))}. " if sure
             else "no restriction is significant. ")  # fmt: skip
    if noise:
        text += (f"<b>Not significant, may be noise rather than a finding</b>: "
                 f"{escape(', '.join(noise))}.")  # fmt: skip
    return text


def _number(x: float) -> str:
    return escape(f"{float(x):.3g}")


def _box_table(d: DiscoveryTables) -> str:
    stats = d.stats
    if d.box.empty:
        return "<p>The box reported restricts no input.</p>"
    rows = [
        {
            "Input": r.input,
            "Box low": f"{r.low:.3g}",
            "Box high": f"{r.high:.3g}",
            "Sampled range": f"{r.range_low:.3g} to {r.range_high:.3g}",
            "Share of the range kept": _kept(r.low, r.high, r.range_low, r.range_high),
            "Quasi-p (lower limit)": _qp(r.qp_low),
            "Quasi-p (upper limit)": _qp(r.qp_high),
            "Significant": "yes" if significant(r.qp) else "no (may be noise)",
        }
        for r in d.box.itertuples()
    ]
    return table(
        pd.DataFrame(rows),
        caption=f"The box reported (box {d.chosen}): coverage {stats['coverage']:.2f}, density "
        f"{stats['density']:.2f}, mass {stats['mass']:.2f} (the share of all the runs in it)",
        numeric=[c for c in rows[0] if c not in ("Input", "Sampled range", "Significant")],
    )


def _qp(value: float) -> str:
    """A quasi-p-value, or a dash for a limit left at the sampled range (or not recorded)."""
    return f"{value:.2g}" if np.isfinite(value) else "–"


def _kept(low: float, high: float, range_low: float, range_high: float) -> str:
    span = range_high - range_low
    return f"{(high - low) / span:.0%}" if span > 0 else "–"


def _trajectory_table(d: DiscoveryTables) -> str:
    frame = pd.DataFrame(
        {
            "Box": d.trajectory["box"].astype(int),
            "Coverage": d.trajectory["coverage"].map("{:.3f}".format),
            "Density": d.trajectory["density"].map("{:.3f}".format),
            "Mass": d.trajectory["mass"].map("{:.3f}".format),
            "Inputs restricted": d.trajectory["res_dim"].astype(int),
            "Reported": ["reported" if k == d.chosen else "" for k in range(len(d.trajectory))],
        }
    )
    return (
        f"<details><summary>PRIM's peeling trajectory ({len(frame)} boxes)</summary>"
        + table(frame, numeric=("Coverage", "Density", "Mass", "Inputs restricted"), wrap=True)
        + "</details>"
    )


def _scores_table(d: DiscoveryTables) -> str:
    top = d.scores.head(TOP_SCORES)
    frame = pd.DataFrame(
        {
            "Rank": range(1, len(top) + 1),
            "Input": top["input"],
            f"Score: {OUTCOME_LABELS.get(d.outcome, d.outcome)}": top["score_outcome"].map(
                "{:.3f}".format
            ),
            "Score: above the threshold": top["score_above"].map("{:.3f}".format),
        }
    )
    return table(
        frame,
        caption=f"Feature scores, the top {len(top)} of {len(d.scores)} inputs (all of them: "
        "feature_scores.csv)",
        numeric=[c for c in frame.columns if c.startswith(("Rank", "Score"))],
    )


def _discovery_provenance(d: DiscoveryTables) -> str:
    rows = [
        ("Package", f"aiadopt {escape(d.version or __version__)}"),
        ("Parameters", escape(d.source)),
        ("Parameter hash", f"<code>{escape(d.param_hash or '?')}</code>"),
        ("Root seed", escape(d.root_seed)),
        ("Runs", f"{d.runs:,}, each stopped at {escape(d.month)}"),
        ("Simulated firms", f"{d.firms:,} per run"),
        ("Levers", f"each intervention's share of treated firms from {escape(d.start)}"),
        ("Results", escape(d.folder or "a discovery computed in Python")),
    ]
    return _provenance(rows)


# --- a portfolio ---------------------------------------------------------------------------------


def _portfolio_page(t: FrontTables) -> tuple[str, list[str]]:
    image = embed(front_figure(t))
    parts = [
        page_head(SEARCH_TITLES["portfolio"]),
        '<main class="page"><header>',
        "<h1>Lever portfolios: the best mix of levers for each effort</h1>",
        f'<p class="lede"><b>The question.</b> {_portfolio_question(t)}</p></header>',
        '<section id="summary" class="summary"><h2>1. The answer in one page</h2>',
        f'<ul class="keypoints">{"".join(f"<li>{i}</li>" for i in _front_answer(t))}</ul>',
        "<p><b>How to read it.</b> The Pareto front holds the mixes that no other mix beats on "
        "both counts: none costs less effort and reaches a higher robust outcome. Between two "
        "mixes on the front, the choice is a judgement of what the extra effort is worth. The "
        "robust outcome is a low quantile over posterior draws (the same draws and seeds for "
        "every mix: common random numbers), so it is what the mix reaches in most of the "
        "possible worlds the calibration leaves open, not on average.</p></section>",
        '<section id="front"><h2>2. The front</h2>',
        figure(
            image,
            "Each grey point is a mix the optimiser evaluated at budgets up to the "
            "portfolio's (every mix within a budget when they are few, else those scipy's "
            "differential evolution tried); the blue line joins the front, its points "
            "numbered by effort as in the table beside the plot and the one below.",
            "front",
        ),
        _front_table(t),
        _levers_table(t),
        _evaluated_table(t),
        "</section>",
        _portfolio_provenance(t),
        _footer(),
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p), ["front"]


def _portfolio_question(t: FrontTables) -> str:
    q = t.question
    if not q.get("outcome"):
        return (
            "Which mixes of levers reach the highest robust outcome for their effort? The "
            f"folder does not say which outcome ({PORTFOLIO_FILE} is missing: it is written by "
            "'aiadopt portfolio' with the front's figure); the values are the robust outcome "
            "as front.csv holds it."
        )
    label = OUTCOME_LABELS.get(q["outcome"], q["outcome"])
    return escape(
        f"Which mixes of levers ({', '.join(LEVER_LABELS.get(k, k) for k in t.levers)}, from "
        f"{q['start']}) give the highest {float(q['quantile']):.0%} quantile, over "
        f"{q['draws']} posterior draws, of the {label} at {q['month']}, for their effort "
        f"(cost per targeted firm x share x {int(q['firms']):,} firms)?"
    )


def _value(t: FrontTables, x: float) -> str:
    """An outcome value: a share in percent, a gain in points."""
    if str(t.question.get("outcome", "")).startswith("share"):
        return f"{100 * float(x):.1f}%"
    return f"{float(x):.3g}"


def _front_answer(t: FrontTables) -> list[str]:
    front = t.front.sort_values("effort")
    first, last = front.iloc[0], front.iloc[-1]
    items = [
        f"<b>{len(front)} mixes on the front</b>, of {len(t.evaluated)} evaluated.",
        f"<b>Least effort</b> ({first['effort']:,.0f}): {escape(t.mix_text(first))}, robust "
        f"outcome {_value(t, first['robust'])}.",
        f"<b>Highest robust outcome</b> {_value(t, last['robust'])}: "
        f"{escape(t.mix_text(last))}, effort {last['effort']:,.0f}.",
    ]
    if len(front) > 2:
        gain = front["robust"].diff() / front["effort"].diff()
        k = int(gain.iloc[1:].idxmax())
        row, before = front.loc[k], front.loc[front.index[front.index.get_loc(k) - 1]]
        items.append(
            f"<b>The steepest step</b>: from {escape(t.mix_text(before))} to "
            f"{escape(t.mix_text(row))} (effort {before['effort']:,.0f} to "
            f"{row['effort']:,.0f}; robust outcome {_value(t, before['robust'])} to "
            f"{_value(t, row['robust'])})."
        )
    return items


def _front_table(t: FrontTables) -> str:
    rows = []
    for number, r in enumerate(t.front.sort_values("effort").to_dict("records"), start=1):
        row: dict[str, Any] = {"#": number, "Effort": f"{r['effort']:,.0f}",
                               "Mix": t.mix_text(r)}  # fmt: skip
        row.update({LEVER_LABELS.get(k, k): f"{float(r[k]):.0%}" for k in t.levers})
        row[f"Robust outcome ({t.outcome_label})"] = _value(t, r["robust"])
        if "mean" in r:
            row["Mean over the draws"] = _value(t, r["mean"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    return table(
        frame,
        caption="The Pareto front, by effort (front.csv)",
        numeric=[c for c in frame.columns if c != "Mix"],
    )


def _levers_table(t: FrontTables) -> str:
    levers = t.question.get("levers") or {}
    if not levers:
        return ""
    frame = pd.DataFrame(
        [
            {
                "Lever": LEVER_LABELS.get(k, k),
                "Intervention kind": k,
                "Cost per targeted firm": f"{float(v.get('cost', 1.0)):g}",
                "Reduction of the obstacle": f"{float(v['reduction']):g}"
                if "reduction" in v and k in REDUCING
                else "–",
            }
            for k, v in levers.items()
        ]
    )
    levels = ", ".join(f"{float(x):.0%}" for x in t.question.get("levels") or [])
    budget = t.question.get("budget")
    caption = f"The levers, their cost and the shares they may treat ({levels})" + (
        f"; budget {float(budget):,.0f}" if budget else ""
    )
    return table(frame, caption=caption, numeric=("Cost per targeted firm",))


def _evaluated_table(t: FrontTables) -> str:
    rows = []
    front = {tuple(float(r[k]) for k in t.levers) for r in t.front.to_dict("records")}
    for r in t.evaluated.sort_values(["effort", "robust"]).to_dict("records"):
        row: dict[str, Any] = {"Effort": f"{r['effort']:,.0f}"}
        row.update({LEVER_LABELS.get(k, k): f"{float(r[k]):.0%}" for k in t.levers})
        row["Robust outcome"] = _value(t, r["robust"])
        row["On the front"] = "yes" if tuple(float(r[k]) for k in t.levers) in front else ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    return (
        f"<details><summary>Every mix evaluated ({len(frame)}, evaluated.csv)</summary>"
        + table(frame, numeric=[c for c in frame.columns if c != "On the front"], wrap=True)
        + "</details>"
    )


def _portfolio_provenance(t: FrontTables) -> str:
    q = t.question
    rows = [("Package", f"aiadopt {escape(q.get('version') or __version__)}")]
    if q.get("parameters"):
        rows.append(("Parameters", escape(q["parameters"])))
    if q.get("seed") is not None:
        rows.append(("Seed", escape(q["seed"])))
    if q.get("draws"):
        rows.append(("Runs", f"{q['draws']} per mix (posterior draws), {q.get('runs', '?')} "
                             "in all"))  # fmt: skip
    if q.get("firms"):
        rows.append(("Simulated firms", f"{int(q['firms']):,} per run"))
    if q.get("file"):
        rows.append(("Portfolio file", escape(q["file"])))
    rows.append(("Results", escape(t.folder or "a portfolio computed in Python")))
    return _provenance(rows)


# --- shared --------------------------------------------------------------------------------------


def _provenance(rows: list[tuple[str, str]]) -> str:
    rows = [*rows, ("Report written", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))]
    facts = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        '<section id="provenance"><h2>Provenance</h2><p>The model is calibrated on Publicis '
        "Sapient France (2025), a survey of 231 decision-makers of French firms of 100+ "
        "employees (March 2025); every number here is a simulation.</p>"
        f'<dl class="facts">{facts}</dl></section>'
    )


def _footer() -> str:
    return (
        f'<p class="muted" style="margin-top:40px">Made with aiadopt {escape(__version__)}. '
        "Figures drawn with matplotlib; this file embeds them and needs no network.</p>"
    )
