"""Figures of trajectories over time: stage shares, share at scale, the hype cycle, gains and
the two views of "deployed".

Each takes a tidy table (a run's ``date, metric, group, value`` or an experiment's ``scenario,
replicate, seed, date, metric, group, value``) and returns a Figure; replicates are drawn as a
mean line and a 5th-95th percentile band.  ``period`` (optional, two months) fixes the time
axis, e.g. to the whole run while it is under way (the dashboard); by default it spans the
table's months.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from .series import (
    RUN_SCENARIO,
    as_results,
    band_text,
    date_range,
    metrics_of,
    n_replicates,
    n_replicates_of,
    paired_difference,
    reference_of,
    replicate_band,
    require,
    scenario_colours,
    scenario_descriptions,
    scenario_label,
    scenarios_of,
    select_rows,
)
from .study import (
    ROLE_WEIGHTS,
    STATE_LABEL,
    STUDY_STAGE_MARKS,
    STUDY_TARGETS,
    answer_mark,
    model_answer,
    respondents_in_place,
    study_mark,
    study_target,
    study_value,
)
from .style import (
    PALETTE,
    ROLE_COLOURS,
    STAGE_COLOURS,
    STAGE_NAMES,
    SURVEY_DATE,
    canvas,
    draw_band,
    percent_axis,
    spread_labels,
    style,
    time_axis,
)

__all__ = [
    "GAIN_NAMES",
    "GAIN_STYLES",
    "USECASES",
    "USECASE_FAMILIES",
    "plot_deployed_views",
    "plot_gains",
    "plot_hype_cycle",
    "plot_share_at_scale",
    "plot_stage_shares",
]

_DEPLOYED_METRICS = ("deployed_view.technique", "deployed_view.business")
"""The Technique and Business views of "deployed" (all firms)."""

Period = tuple[Any, Any] | None
"""Optional first and last month of a time axis."""

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


def _span(results: pd.DataFrame, period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The months of the time axis: ``period`` if given, else those of the table."""
    if period is None:
        return date_range(results)
    return pd.Timestamp(period[0]), pd.Timestamp(period[1])


def _stack_of(results: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Mean stage shares (all firms) over the replicates of ``scenario``: date x stage."""
    names = [m for m in metrics_of(results) if m.startswith("stage_share.")]
    rows = select_rows(results, names, "all", scenario)
    wide = rows.pivot_table(index="date", columns="metric", values="value", aggfunc="mean")
    wide.columns = [c.split(".", 1)[1] for c in wide.columns]
    known = [s for s in STAGE_COLOURS if s in wide.columns]
    other = sorted(set(wide.columns) - set(known))  # a stage added later still shows
    return wide[known + other].sort_index().fillna(0.0) * 100.0


# --- stage shares --------------------------------------------------------------------------------


def plot_stage_shares(
    tidy: pd.DataFrame,
    *,
    meta: Mapping[str, Any] | None = None,
    scenarios: Sequence[str] | None = None,
    title: str | None = None,
    study: bool = True,
    period: Period = None,
    fit: pd.DataFrame | None = None,
    reference: str | None = None,
    starts: Mapping[str, str] | None = None,
):
    """Stacked areas of the stage shares of all firms over time, one panel per scenario.

    ``tidy``: a run's trajectories (``date, metric, group, value``) or an experiment's results
    (with ``scenario, replicate``: the mean over replicates is stacked).  Scaled firms at the
    bottom, not engaged at the top; the survey month dotted.  The areas are the model's state
    (the true stages), which is not what the study measured: its respondents answered from
    their role's view (a Business respondent counts its own tools as "in place").  So with
    ``study``, the study's March 2025 shares (engaged 48%, active 29%, in place 15%, with 95%
    intervals) are set against the model's answer to the same question: a line of the share
    of respondents who would say "in place" (the Technique and Business views of "deployed"
    mixed 114:117, when the table has them) and, given the calibration ``fit`` table, the
    simulated survey's answers at the survey month (median and 90% band; on the ``reference``
    panel, whose parameters the fit is of).  One scenario: a 10 x 5.6 in figure; more: a grid.
    Each panel marks when its scenario's interventions start (``starts``, default the
    manifest's; the reference's panel, when the others' start).
    """
    results = as_results(tidy)
    names = list(scenarios) if scenarios is not None else scenarios_of(results)
    require(results, ["stage_share.scaled"], "stage shares")
    n = len(names)
    ncols = 1 if n == 1 else min(3, n)
    nrows = math.ceil(n / ncols)
    width, height = (10.0, 5.6) if n == 1 else (4.3 * ncols + 2.3, 3.0 * nrows + 1.35)
    reps = n_replicates(results)
    firms = (meta or {}).get("firms")
    who = f"{int(firms):,} simulated firms" if firms else "simulated firms"
    if title is None:
        title = (
            f"Generative-AI adoption stages over time, {who}"
            if n == 1
            else "Generative-AI adoption stages over time, by scenario"
        )
    subtitle = "Areas: the model's state, the share of all firms in each stage" + (
        f" (mean of {reps} replicates)." if reps > 1 else "."
    )
    marks: dict[str, tuple[float, float, float]] = {}
    answers: dict[str, tuple[float, float, float]] = {}
    start, end = _span(results, period)
    have = metrics_of(results)
    answer_line = study and all(m in have for m in _DEPLOYED_METRICS)
    ref = reference if reference is not None else (names[0] if n == 1 else None)
    if study and start <= SURVEY_DATE <= end:  # the study is marked when the run reaches it
        for key, tid, _ in STUDY_STAGE_MARKS:
            value = study_value(tid)
            if value is not None:
                marks[key] = value
            answer = model_answer(fit, tid)
            if answer is not None:
                answers[key] = answer
        if marks:
            subtitle += (
                " Diamonds: the study, March 2025: respondents saying engaged (planned or "
                "beyond), active (experimenting or beyond), in place (deployed or scaled); 95% CI."
            )
        if answers:
            subtitle += " Circles: the model surveyed like the study (median, 90% of surveys)."
    if answer_line:
        subtitle += (
            ' Yellow line: respondents who would say "in place" (Technique and Business views, '
            "114:117)."
        )
    described = scenario_descriptions(meta, names) if n > 1 else ""
    if described:
        subtitle += "\n" + described
        height += 0.2 * (described.count("\n") + 1)
    with style():
        fig, body = canvas(width, height, title, subtitle, meta)
        axes = np.atleast_1d(body.subplots(nrows, ncols, sharex=True, sharey=True)).ravel()
        polys: list[Any] = []
        extra: dict[str, Any] = {}
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
            percent_axis(ax)
            ax.grid(axis="y", color="white", alpha=0.45, lw=0.6)
            time_axis(ax, start, end, survey_label=(n == 1 or ax is axes[0]))
            mark_starts(ax, _drawn_starts(_known_starts(meta, starts), name, start, end))
            if n > 1:
                ax.set_title(scenario_label(name), fontsize=11.5)
            if answer_line:
                line = _in_place_answer(results, name)
                (extra["line"],) = ax.plot(
                    line.index, line.to_numpy(), color=_IN_PLACE_COLOUR, lw=2.0, zorder=4,
                    path_effects=[pe.Stroke(linewidth=3.6, foreground="black"), pe.Normal()],
                )  # fmt: skip
            for key, _, colour in STUDY_STAGE_MARKS:
                if key in marks:
                    study_mark(ax, marks[key], colour, edge="black", shift_days=-25)
                if key in answers and name == ref:
                    answer_mark(ax, answers[key], "black", shift_days=40)
                    ax.plot(
                        [SURVEY_DATE + pd.Timedelta(days=40)], [answers[key][0]], "o", ms=4.2,
                        color=colour, zorder=8,
                    )  # fmt: skip
        for ax in axes[n:]:
            ax.set_visible(False)
        for ax in axes[:n]:
            if ax.get_subplotspec().is_last_row() or n == 1:
                ax.set_xlabel("Month")
            if ax.get_subplotspec().is_first_col():
                ax.set_ylabel("Share of firms (%)")
        handles = list(reversed(polys))
        labels = [h.get_label() for h in handles]
        for key, _, colour in STUDY_STAGE_MARKS:
            if key in marks:
                handles.append(
                    Line2D([], [], ls="none", marker="D", ms=6.5, mfc=colour, mec="black")
                )
                labels.append(f"study: {key.replace('_', ' ')} {marks[key][0]:.0f}%")
            if key in answers:
                handles.append(
                    Line2D([], [], ls="none", marker="o", ms=6.5, mfc=colour, mec="black", mew=1.8)
                )
                labels.append(f"model answer: {key.replace('_', ' ')} {answers[key][0]:.0f}%")
        if "line" in extra:
            handles.append(extra["line"])
            labels.append('model: respondents saying "in place"')
        body.legend(
            handles,
            labels,
            title="Areas: " + STATE_LABEL.replace(" (", "\n("),
            loc="outside right upper",
            alignment="left",
        )
    return fig


_IN_PLACE_COLOUR = "#fee090"
"""The study's "in place" colour (:data:`STUDY_STAGE_MARKS`), also the model's answer line."""


def _in_place_answer(results: pd.DataFrame, scenario: str) -> pd.Series:
    """The share of respondents (percent) who would say "in place" in ``scenario``, over time
    (mean over replicates): :func:`~aiadopt.views.study.respondents_in_place`."""
    rows = select_rows(results, list(_DEPLOYED_METRICS), "all", scenario)
    wide = rows.pivot_table(index="date", columns="metric", values="value", aggfunc="mean")
    return (
        100.0
        * respondents_in_place(
            wide["deployed_view.technique"], wide["deployed_view.business"]
        ).sort_index()
    )


MAX_EFFECT_BANDS = 4
"""More effect series than this (a sweep's points) are drawn as lines without their bands,
which would overlap into one smear."""

# --- share at scale ------------------------------------------------------------------------------


def plot_share_at_scale(
    tidy: pd.DataFrame,
    *,
    meta: Mapping[str, Any] | None = None,
    reference: str | None = None,
    period: Period = None,
    starts: Mapping[str, str] | None = None,
):
    """The share of firms at scale (``stage_share.scaled``, all firms) over time.

    One run (or one scenario): its line, and the band of its replicates if it has several.
    Several scenarios: two panels.  Top, the level of each scenario (mean over replicates; the
    reference's replicate band only).  Bottom, what a reader needs to judge an intervention:
    each scenario's paired difference to the reference (replicate k of both share their seed)
    and its 95% interval, which is far narrower than the overlapping bands of the levels, as
    the parameter uncertainty that widens them is common to both scenarios.  ``starts``: the
    first month of each scenario's interventions (``YYYY-MM``; default the folder's manifest,
    ``meta["intervention_starts"]``), marked with a vertical line.  Legends list the
    scenarios by their last value, top first."""
    results = as_results(tidy)
    require(results, ["stage_share.scaled"], "share at scale")
    names = scenarios_of(results)
    if len(names) == 1:
        return _share_at_scale_one(results, names[0], meta, period)
    ref = reference_of(results, reference)
    colours = scenario_colours(names, ref)
    reps = n_replicates(results)
    rows = select_rows(results, "stage_share.scaled", "all")
    bands = {name: replicate_band(rows[rows["scenario"] == name], 100.0) for name in names}
    diffs = {n: paired_difference(rows, n, ref, 100.0) for n in names if n != ref}
    start, end = _span(results, period)
    begin = _intervention_starts(_known_starts(meta, starts), names, start, end)
    subtitle = (
        "Share of all firms that have scaled their deployment (the study's \"passage à "
        "l'échelle\"). Top: "
        + (f"mean of {reps} replicates per scenario" if reps > 1 else "each scenario")
        + (
            f", band: 5th-95th percentile of the {scenario_label(ref)} replicates"
            if reps > 1
            else ""
        )
        + f". Bottom: the effect, each scenario minus {scenario_label(ref)} replicate by "
        "replicate (same seeds: common random numbers)"
        + (", band: its 95% interval" if reps > 1 and len(diffs) <= MAX_EFFECT_BANDS else "")
        + (
            f" (bands left out: {len(diffs)} would overlap; the dose_response figure gives each "
            "point's interval at a few months)"
            if reps > 1 and len(diffs) > MAX_EFFECT_BANDS
            else ""
        )
        + "."
    )
    described = scenario_descriptions(meta, names)
    if described:
        subtitle += "\n" + described
    with style():
        title = "Share of firms at scale: levels and effects"
        height = 8.6 + 0.2 * len(described.splitlines())
        fig, body = canvas(11.5, height, title, subtitle, meta)
        ax, ax_d = body.subplots(2, 1, sharex=True, height_ratios=[1, 1.15])
        level_order = sorted(names, key=lambda n: -_last(bands[n]))
        handles = {}
        for name in names:
            is_ref = name == ref
            band = bands[name] if is_ref else bands[name].assign(n=1)  # one band: the reference
            handles[name] = draw_band(
                ax,
                band,
                colours[name],
                scenario_label(name) + (" (reference)" if is_ref else ""),
                lw=2.6 if is_ref else 1.9,
            )
        top = max((float(b["high"].max()) for b in bands.values() if len(b)), default=1.0)
        ax.set_ylim(0, min(100.0, max(5.0, top * 1.08)))
        percent_axis(ax)
        time_axis(ax, start, end)
        ax.tick_params(axis="x", labelbottom=True)
        ax.set_ylabel("Firms at scale (% of all firms)")
        ax.set_title("Level, by scenario", fontsize=11.5)
        _end_labels(ax, {n: _last(bands[n]) for n in level_order}, colours, "{:.0f}%")
        ax.legend(
            [handles[s] for s in level_order],
            [handles[s].get_label() for s in level_order],
            title="Scenario (by last value)",
            loc="upper left",
            bbox_to_anchor=(1.06, 1.0),
            alignment="left",
        )
        effect_order = sorted(diffs, key=lambda n: -_last(diffs[n]))
        d_handles = []
        for name in effect_order:
            band = diffs[name] if len(diffs) <= MAX_EFFECT_BANDS else diffs[name].assign(n=1)
            d_handles.append(draw_band(ax_d, band, colours[name], scenario_label(name)))
        ax_d.axhline(0.0, color=PALETTE["reference"], lw=1.4, zorder=2.5)
        banded = len(diffs) <= MAX_EFFECT_BANDS
        lo = min(
            [0.0]
            + [float(d["low"].min()) for d in diffs.values() if banded and d["low"].notna().any()]
            + [float(d["mean"].min()) for d in diffs.values() if len(d)]
        )
        hi = max(
            [0.0]
            + [
                float(d["high"].max())
                for d in diffs.values()
                if banded and d["high"].notna().any()
            ]
            + [float(d["mean"].max()) for d in diffs.values() if len(d)]
        )
        pad = 0.08 * max(hi - lo, 1.0)
        ax_d.set_ylim(lo - pad, hi + pad)
        ax_d.grid(axis="y", color=PALETTE["grid"], lw=0.6)
        time_axis(ax_d, start, end, survey_label=False)
        ax_d.set_xlabel("Month")
        ax_d.set_ylabel(f"Difference to {scenario_label(ref)}\n(percentage points)")
        ax_d.set_title(f"Effect: scenario minus {scenario_label(ref)}, paired", fontsize=11.5)
        _end_labels(ax_d, {n: _last(diffs[n]) for n in effect_order}, colours, "{:+.1f} pts")
        ax_d.legend(
            handles=d_handles,
            title="Scenario (by last effect)",
            loc="upper left",
            bbox_to_anchor=(1.13, 1.0),  # clear of the end labels, wider than the levels'
            alignment="left",
        )
        mark_starts(ax, begin, label=False)
        mark_starts(ax_d, begin)
    return fig


def _last(band: pd.DataFrame) -> float:
    """The last mean of a band (0 if empty)."""
    return float(band["mean"].iloc[-1]) if len(band) else 0.0


def _end_labels(ax, ends: Mapping[str, float], colours: Mapping[str, str], fmt: str) -> None:
    """Each series' last value at the right edge of ``ax``, spread so that none overlaps."""
    if not ends:
        return
    y0, y1 = ax.get_ylim()
    x1 = ax.get_xlim()[1]
    placed = spread_labels(list(ends.values()), 0.055 * (y1 - y0))
    for (name, value), y in zip(ends.items(), placed, strict=True):
        ax.annotate(
            fmt.format(value),
            (x1, y),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9.5,
            fontweight="bold",
            color=colours[name],
            annotation_clip=False,
        )


def _intervention_starts(
    starts: Mapping[str, str] | None, names: Sequence[str], lo: pd.Timestamp, hi: pd.Timestamp
) -> list[tuple[pd.Timestamp, str]]:
    """The distinct first months of the scenarios' interventions after ``lo`` up to ``hi``
    (a counterfactual from the first month, such as no_success_factors, parts from the start:
    no line), each with its label ("interventions start Jun 2025", or the scenarios that
    start then)."""
    when: dict[pd.Timestamp, list[str]] = {}
    for name in names:
        month = (starts or {}).get(name)
        if not month:
            continue
        try:
            t = pd.Timestamp(f"{str(month)[:7]}-01")
        except ValueError:
            continue
        if lo < t <= hi:  # a change from the first month on needs no mark
            when.setdefault(t, []).append(name)
    if len(when) == 1:
        (t,) = when
        return [(t, f"interventions start\n{t:%b %Y}")]
    return [
        (t, f"{', '.join(scenario_label(n) for n in who)}\nstart {t:%b %Y}")
        for t, who in sorted(when.items())
    ]


def _known_starts(
    meta: Mapping[str, Any] | None, starts: Mapping[str, str] | None
) -> Mapping[str, str]:
    """The first month of each scenario's interventions: ``starts`` if given, else the
    folder's manifest (``meta["intervention_starts"]``)."""
    return starts if starts is not None else ((meta or {}).get("intervention_starts") or {})


def _drawn_starts(
    known: Mapping[str, str], name: str, lo: pd.Timestamp, hi: pd.Timestamp
) -> list[tuple[pd.Timestamp, str]]:
    """The start marks of a figure of one scenario ``name``: its own interventions' start,
    or, when it has none (the reference), when the other scenarios' interventions start (the
    month from which they part from it)."""
    own = _intervention_starts(known, [name], lo, hi)
    if own or not known:
        return own
    others = _intervention_starts(known, list(known), lo, hi)
    return [(t, f"other scenarios'\ninterventions start\n{t:%b %Y}") for t, _ in others]


def mark_starts(ax, marks: Sequence[tuple[pd.Timestamp, str]], *, label: bool = True) -> None:
    """The interventions' start on a time axis: a dashed vertical line at each month of
    ``marks`` and, with ``label``, its text at the top, right of the line (the survey's label
    is left of its own line)."""
    for when, text in marks:
        ax.axvline(when, color="0.45", lw=1.0, ls=(0, (6, 3)), zorder=4)
        if label:
            ax.annotate(text, (when, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -3),
                        textcoords="offset points", ha="left", va="top", fontsize=8.5,
                        color="0.3", zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.8})  # fmt: skip


def _share_at_scale_one(
    results: pd.DataFrame, name: str, meta: Mapping[str, Any] | None, period: Period
):
    """The share at scale of one scenario (a single run, or one scenario's replicates)."""
    reps = n_replicates_of(results, name)
    rows = select_rows(results, "stage_share.scaled", "all", name)
    band = replicate_band(rows, 100.0)
    start, end = _span(results, period)
    single = name == RUN_SCENARIO
    label = "this run" if single and reps <= 1 else scenario_label(name)
    title = "Share of firms at scale, " + (
        "one run" if single and reps <= 1 else f"{scenario_label(name)} scenario"
    )
    subtitle = (
        "Share of all firms that have scaled their deployment (the study's \"passage à "
        f"l'échelle\"); {band_text(reps)}."
    )
    with style():
        fig, body = canvas(11.5, 6.0, title, subtitle, meta)
        ax = body.subplots()
        draw_band(ax, band, PALETTE["reference"], label, lw=2.4)
        top = float(band["high"].max()) if len(band) else 1.0
        ax.set_ylim(0, min(100.0, max(5.0, top * 1.08)))
        percent_axis(ax)
        time_axis(ax, start, end)
        ax.set_xlabel("Month")
        ax.set_ylabel("Firms at scale (% of all firms)")
        _end_labels(ax, {name: _last(band)}, {name: PALETTE["reference"]}, "{:.0f}%")
    return fig


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


def study_interest(case: str) -> tuple[float, float, float] | None:
    """The study's interest in use case ``case`` among all respondents (percent): its
    Technique and Business values (Figure 5) and their 95% intervals mixed as the respondents
    were (:data:`~aiadopt.views.study.ROLE_WEIGHTS`); None when the study gives one role only
    or none."""
    parts = [study_value(f"usecase_interest_{case}_{role}") for role in ROLE_WEIGHTS]
    if any(p is None for p in parts):
        return None
    w = list(ROLE_WEIGHTS.values())
    return tuple(sum(wk * p[i] for wk, p in zip(w, parts, strict=True)) for i in range(3))  # type: ignore


def plot_hype_cycle(
    tidy: pd.DataFrame,
    *,
    scenario: str | None = None,
    meta: Mapping[str, Any] | None = None,
    period: Period = None,
    starts: Mapping[str, str] | None = None,
):
    """The hype cycle of one scenario (default: the reference): the mean enthusiasm of all
    firms and of engaged firms (the expectation index behind the study's Figure 7, 0-100), and
    the interest in each use case over time (the share of Technique and Business respondents
    who find it interesting, mean of the two functions, Figure 5).  The peak of enthusiasm and
    the valley after it are labelled when the curve has them."""
    results = as_results(tidy)
    need = ["enthusiasm", *[f"usecase_interest.{u}" for u in USECASES]]
    require(results, need[:1], "hype cycle")
    name = reference_of(results, scenario)
    reps = n_replicates_of(results, name)
    start, end = _span(results, period)
    have = metrics_of(results)
    cases = [u for u in USECASES if f"usecase_interest.{u}" in have]
    which = "" if name == RUN_SCENARIO else f" ({scenario_label(name)} scenario)"
    rows = select_rows(results, "enthusiasm", None, name)
    # the hype cycle is the engaged firms' (issue 12: their mean expectation peaks, falls
    # and recovers); the whole population's mean also counts firms not yet engaged
    points, hype_group = None, "engaged"
    for group in ("engaged", "all"):
        curve = rows[rows["group"] == group]
        points = _turning_points(replicate_band(curve, 100.0)["mean"]) if len(curve) else None
        if points is not None:
            hype_group = group
            break
    surveyed = start <= SURVEY_DATE <= end
    marks = {u: study_interest(u) for u in cases} if surveyed else {}
    marks = {u: v for u, v in marks.items() if v is not None}
    if points is not None:
        title = f"The hype cycle: a peak of expectations and a valley{which}"
    else:
        title = f"Expectations and interest in use cases over time{which}"
    subtitle = (
        "Top: mean enthusiasm, the firms' expectation of generative AI, on a 0-100 index "
        "(the study reads adoption as a hype cycle, its Figure 7)"
        + ("" if points is not None else "; this run shows no clear peak and valley")
        + ". Bottom: share of respondents finding each use case interesting (Technique and "
        "Business views mixed 114:117 as the study's respondents; Figure 5)"
        + ("; diamonds: the study, March 2025, 95% CI" if marks else "")
        + f". {band_text(reps).capitalize()}."
    )
    with style():
        fig, body = canvas(11.5, 8.2, title, subtitle, meta)
        ax1, ax2 = (
            body.subplots(2, 1, sharex=True, height_ratios=[1, 1.25])
            if cases
            else (body.subplots(), None)
        )
        handles = []
        for group, colour, label in (
            ("all", "#54278f", "all firms"),
            ("engaged", "#35978f", "engaged firms (planned or beyond)"),
        ):
            sel = rows[rows["group"] == group]
            if len(sel):
                band = replicate_band(sel, 100.0)
                handles.append(
                    draw_band(ax1, band, colour, label, lw=2.4 if group == "all" else 1.8)
                )
                if group == hype_group and points is not None:
                    # labels to the right of their point, clear of the axis and of the title
                    for when, text, dy in (
                        (points[0], "peak of expectations", 0),
                        (points[1], "valley of disappointment", -10),
                    ):
                        v = band["mean"][when]
                        ax1.annotate(
                            f"{text}, {pd.Timestamp(when):%b %Y}",
                            (when, v),
                            xytext=(8, dy),
                            textcoords="offset points",
                            ha="left",
                            va="center" if dy == 0 else "top",
                            fontsize=9,
                            color=colour,
                            arrowprops=None,
                        )
                        ax1.plot([when], [v], "o", ms=5, color=colour, zorder=4)
        ax1.set_ylabel("Enthusiasm index (0-100)")
        lo = min(float(np.nanmin(line.get_ydata())) for line in handles) if handles else 0.0
        hi = max(float(np.nanmax(line.get_ydata())) for line in handles) if handles else 100.0
        pad = max(4.0, 0.25 * (hi - lo))
        ax1.set_ylim(max(0.0, lo - pad), min(100.0, hi + pad))
        ax1.grid(axis="y", color=PALETTE["grid"], lw=0.6)
        ax1.set_title("Expectations (enthusiasm)", fontsize=11.5)
        time_axis(ax1, start, end)
        begin = _drawn_starts(_known_starts(meta, starts), name, start, end)
        mark_starts(ax1, begin)
        ax1.tick_params(axis="x", labelbottom=True)  # dates on both panels
        ax1.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            title="Mean over",
            alignment="left",
        )
        if ax2 is not None:
            irows = select_rows(results, [f"usecase_interest.{u}" for u in cases], None, name)
            irows = irows[irows["group"].isin(list(ROLE_WEIGHTS))]
            weight = irows["group"].map(ROLE_WEIGHTS).astype(float)
            mean = (
                irows.assign(value=irows["value"] * weight)
                .groupby(["metric", "replicate", "date"], as_index=False)["value"]
                .sum()
            )
            lines = []
            for k, u in enumerate(cases):
                label, colour, ls = USECASES[u]
                band = replicate_band(mean[mean["metric"] == f"usecase_interest.{u}"], 100.0)
                lines.append(draw_band(ax2, band, colour, label, ls=ls, lw=2.2))
                if u in marks:
                    study_mark(ax2, marks[u], colour, edge="black", shift_days=(k - 1) * 35)
            fam = [Line2D([], [], color="0.3", ls=ls, lw=2, label=t) for t, ls in USECASE_FAMILIES]
            percent_axis(ax2)
            ax2.set_ylim(0, 100)
            ax2.set_ylabel("Respondents finding it interesting (%)")
            if marks:
                fam.append(
                    Line2D(
                        [],
                        [],
                        ls="none",
                        marker="D",
                        ms=6.5,
                        mfc="0.5",
                        mec="black",
                        label="study, Mar 2025 (95% CI)",
                    )
                )
            ax2.set_title("Interest in each use case", fontsize=11.5)
            time_axis(ax2, start, end, survey_label=False)
            mark_starts(ax2, begin, label=False)
            ax2.set_xlabel("Month")
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
    period: Period = None,
    starts: Mapping[str, str] | None = None,
):
    """Expected against realised gains of one scenario (default: the reference), one panel per
    kind (productivity, cost, revenue): the mean expected gain of all firms, the mean realised
    gain of active firms (experimenting or beyond: the study's Figure 15-16 base) and of all
    firms, in percent; the study's March 2025 values marked with their 95% intervals."""
    from matplotlib.lines import Line2D

    results = as_results(tidy)
    require(results, ["gain_expected.productivity", "gain_realised.productivity"], "gains")
    name = reference_of(results, scenario)
    reps = n_replicates_of(results, name)
    start, end = _span(results, period)
    have = metrics_of(results)
    kinds = [k for k in GAIN_NAMES if f"gain_expected.{k}" in have or f"gain_realised.{k}" in have]
    metrics = [f"gain_{w}.{k}" for w in ("expected", "realised") for k in kinds]
    rows = select_rows(results, [m for m in metrics if m in have], None, name)
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
        f"nothing in place count as 0). {band_text(reps).capitalize()}."
    )
    if surveyed:
        subtitle += " Diamonds: the study's March 2025 means (Figures 15-16) with 95% intervals."
    with style():
        fig, body = canvas(13.0, 5.9, f"Expected and realised gains{which}", subtitle, meta)
        axes = np.atleast_1d(body.subplots(1, len(kinds), sharey=True))
        top = 1.0
        for ax, kind in zip(axes, kinds, strict=True):
            said: dict[str, str] = {}
            for key, prefix, group, _label in series:
                sel = rows[(rows["metric"] == f"{prefix}.{kind}") & (rows["group"] == group)]
                if len(sel):
                    band = replicate_band(sel)
                    st = GAIN_STYLES[key]
                    draw_band(ax, band, st["color"], None, ls=st["ls"], lw=st["lw"])
                    top = max(top, float(band["high"].max()))
                study_id = study_target(f"{prefix}.{kind}", group)
                value = study_value(study_id, 1.0) if study_id and surveyed else None
                if value is not None:
                    # expected left of the survey line, realised right: intervals apart
                    side = -1 if key == "expected" else 1
                    study_mark(ax, value, GAIN_STYLES[key]["color"], shift_days=40 * side)
                    top = max(top, value[2])
                    said[key] = f"{value[0]:.1f}%"
            study_text = ", ".join(
                f"{v} {k.split('_')[0]}" for k, v in said.items() if k != "realised_all"
            )
            # the study's values above the axes, never over the lines
            ax.set_title(GAIN_NAMES[kind], fontsize=11.5, pad=20 if study_text else 6)
            if study_text:
                ax.annotate(f"study: {study_text}", (0.0, 1.0), xycoords="axes fraction",
                            xytext=(0, 4), textcoords="offset points", ha="left", va="bottom",
                            fontsize=9.5, color="0.3")  # fmt: skip
            time_axis(ax, start, end, survey_label=ax is axes[0])
            mark_starts(ax, _drawn_starts(_known_starts(meta, starts), name, start, end),
                        label=ax is axes[0])  # fmt: skip
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


_DASHED = (0, (4, 2.5))


def plot_deployed_views(
    tidy: pd.DataFrame,
    *,
    scenario: str | None = None,
    meta: Mapping[str, Any] | None = None,
    period: Period = None,
    compare: str | None = None,
    starts: Mapping[str, str] | None = None,
):
    """The Technique and Business views of "deployed" over time for one scenario (default:
    the reference): the share of firms whose Technique (strict: what is in place, deployed or
    scaled) or Business (loose: also shadow AI and pilots of Business tools) respondent would
    say generative AI is deployed; the study's 10% (Technique) and 21% (Business) in March
    2025 marked with their 95% intervals.  Left: the whole run; right: a zoom on the two years
    around the survey.  ``compare``: another scenario, drawn dashed (the dashboard's run without
    levers)."""
    results = as_results(tidy)
    require(results, list(_DEPLOYED_METRICS), "deployed views")
    name = reference_of(results, scenario)
    reps = n_replicates_of(results, name)
    start, end = _span(results, period)
    which = "" if name == RUN_SCENARIO else f" ({scenario_label(name)} scenario)"
    subtitle = (
        "Share of all firms whose respondent would say generative AI is deployed. Technique "
        "functions count what is in place (deployed or scaled); Business functions also count "
        "their own tools (shadow AI) and pilots of Business use cases. "
        f"{band_text(reps).capitalize()}. Diamonds: the study, March 2025, with 95% intervals."
    )
    rows = select_rows(results, list(_DEPLOYED_METRICS), "all", name)
    bands = {
        role: replicate_band(rows[rows["metric"] == f"deployed_view.{role}"], 100.0)
        for role in ("business", "technique")
    }
    labels = {"business": "Business view (loose)", "technique": "Technique view (strict)"}
    dashed = {}
    if compare is not None:
        other = select_rows(results, list(_DEPLOYED_METRICS), "all", compare)
        dashed = {
            role: replicate_band(other[other["metric"] == f"deployed_view.{role}"], 100.0)
            for role in bands
        }
        subtitle += f" Dashed: {scenario_label(compare)}."
    study = {role: study_value(STUDY_TARGETS[role]) for role in ("technique", "business")}
    if not start <= SURVEY_DATE <= end:
        study = {}
    zoom = (
        max(start, SURVEY_DATE - pd.DateOffset(months=14)),
        min(end, SURVEY_DATE + pd.DateOffset(months=13)),
    )
    zoomed = start < SURVEY_DATE < end and (end - start).days > 3 * 365
    with style():
        fig, body = canvas(
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
                line = draw_band(ax, band, ROLE_COLOURS[role], labels[role], lw=2.4)
                if k == 0:
                    handles.append(line)
                inside = band[(band.index >= lo) & (band.index <= hi)]
                top = max(top, float(inside["high"].max()) if len(inside) else 0.0)
            for role, band in dashed.items():
                draw_band(ax, band, ROLE_COLOURS[role], None, lw=1.3, ls=_DASHED, alpha=0.7)
                inside = band[(band.index >= lo) & (band.index <= hi)]
                top = max(top, float(inside["high"].max()) if len(inside) else 0.0)
            if dashed and k == 0:
                handles.append(
                    Line2D([], [], color="0.35", lw=1.3, ls=_DASHED, label=scenario_label(compare))
                )
            for role, value in study.items():
                if value is None:
                    continue
                side = -1 if role == "technique" else 1
                shift = 12 * side * (1 if k == 1 else 2.5)
                mark = study_mark(
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
            percent_axis(ax)
            time_axis(ax, lo, hi)
            mark_starts(ax, _drawn_starts(_known_starts(meta, starts), name, lo, hi))
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
