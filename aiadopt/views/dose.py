"""Figures of what an intervention does across the uncertainty and across its dose.

- :func:`plot_effect_distribution`: each scenario's effect replicate by replicate (one dot per
  replicate, each with its posterior draw and seed, paired with the reference's replicate),
  over a violin of their density, with the mean and the probability that the scenario raises
  the outcome: the posterior-predictive distribution of the effect, where the effects figure
  shows its 5-95% interval only.
- :func:`plot_dose_response`: a one-lever sweep (``[[sweep]]`` of a scenario file) as curves of
  the paired effect over the lever's value, one curve per month in an ordered colour scale
  (viridis: later months darker to lighter), each with the 95% band of its mean.  Curves at a
  few months rather than one time series per value: seven overlapping bands over time are
  unreadable.
- :func:`plot_dose_heatmap`: a two-lever sweep as a heatmap of the mean paired effect at one
  month (lever A across, lever B up), in a diverging scale centred on no effect, each cell with
  its value and the probability that it raises the outcome.

Sweeps are read from the folder's manifest (``meta["scenario_coordinates"]``: each sweep
point's lever values, :func:`sweep_families`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd

from ..experiments.summary import (
    INDICATORS,
    Indicator,
    indicator,
    mean_interval,
    paired_differences,
    probability_positive,
    summary_months,
)
from .series import MissingDataError, month_text, scenario_descriptions, scenario_label
from .style import PALETTE, canvas, style

__all__ = [
    "SweepFamily",
    "dose_months",
    "plot_dose_heatmap",
    "plot_dose_response",
    "plot_effect_distribution",
    "sweep_families",
]

DOSE_MONTHS = 4
"""At most this many months are drawn as dose-response curves."""

_HORIZONTAL = ({"orientation": "horizontal"}
               if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10)
               else {"vert": False})
"""A horizontal violin: ``orientation`` from Matplotlib 3.10, which deprecates ``vert``."""


@dataclass(frozen=True)
class SweepFamily:
    """The points of one swept scenario: its name, levers, and each point's lever values."""

    name: str
    levers: tuple[str, ...]
    points: dict[str, tuple[Any, ...]]  # point name -> value of each lever

    def values(self, k: int) -> list[Any]:
        """The distinct values of lever ``k``, in increasing order."""
        return sorted({v[k] for v in self.points.values()})


def sweep_families(meta: Mapping[str, Any] | None, scenarios: Sequence[str]) -> list[SweepFamily]:
    """The sweeps among ``scenarios``, from the manifest's coordinates
    (``meta["scenario_coordinates"]``: point name -> {lever: value}); points of one family share
    the name before ``[``.  Families with numeric values only (a dose)."""
    coords = (meta or {}).get("scenario_coordinates") or {}
    grouped: dict[str, dict[str, dict[str, Any]]] = {}
    for name in scenarios:
        point = coords.get(name)
        if point:
            grouped.setdefault(name.split("[", 1)[0], {})[name] = dict(point)
    out = []
    for family, points in grouped.items():
        levers = tuple(next(iter(points.values())))
        numeric = all(
            tuple(p) == levers and all(_is_number(p[lv]) for lv in levers) for p in points.values()
        )
        if numeric:
            values = {n: tuple(float(p[lv]) for lv in levers) for n, p in points.items()}
            out.append(SweepFamily(family, levers, values))
    return out


def dose_months(results: pd.DataFrame, starts: Mapping[str, str] | None = None) -> list[str]:
    """The months of the dose-response curves: Decembers from the first after the
    interventions start to the last month of the results, at most :data:`DOSE_MONTHS` of them
    evenly spread (the last always in); the summary's months when the runs are shorter."""
    last = pd.Timestamp(results["date"].max())
    first = pd.Timestamp(results["date"].min())
    begin = min((pd.Timestamp(f"{str(m)[:7]}-01") for m in (starts or {}).values()),
                default=first)  # fmt: skip
    decembers = [f"{y}-12" for y in range(begin.year, last.year + 1)
                 if first <= pd.Timestamp(f"{y}-12-01") <= last and pd.Timestamp(f"{y}-12-01")
                 > begin]  # fmt: skip
    if last.month != 12:
        decembers.append(last.strftime("%Y-%m"))
    if len(decembers) < 2:
        return summary_months(results)
    picks = np.unique(np.round(np.linspace(0, len(decembers) - 1, DOSE_MONTHS)).astype(int))
    return [decembers[i] for i in picks]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _indicators(indicators: Sequence[Indicator | str] | None) -> list[Indicator]:
    chosen = INDICATORS if indicators is None else indicators
    return [i if isinstance(i, Indicator) else indicator(i) for i in chosen]


def _scale(ind: Indicator) -> tuple[float, str]:
    """Factor to points and the axis label of an effect on ``ind``."""
    if ind.unit == "share":
        return 100.0, "percentage points"
    if ind.unit == "percent":
        return 1.0, "percentage points of gain"
    return 1.0, "units"


# --- distribution of the effect ------------------------------------------------------------------


def plot_effect_distribution(
    results: pd.DataFrame,
    *,
    meta: Mapping[str, Any] | None = None,
    reference: str | None = None,
    month: str | None = None,
    indicators: Sequence[Indicator | str] | None = None,
    seed: int = 0,
):
    """The posterior-predictive distribution of each scenario's effect at ``month`` (default
    the last): one dot per replicate (its paired difference to ``reference``), a violin of
    their density, the mean (black bar) and, at the right, the probability that the scenario
    raises the outcome (the share of dots above 0).  One panel per indicator (default share at
    scale and realised productivity); scenarios sorted by their mean effect on the first.
    ``seed`` jitters the dots vertically (a drawing detail, not a result)."""
    inds = _indicators(indicators)
    month = month or pd.Timestamp(results["date"].max()).strftime("%Y-%m")
    diffs = {ind.name: paired_differences(results, ind, [month], reference) for ind in inds}
    first = diffs[inds[0].name]
    if first.empty:
        raise MissingDataError(
            "effect distribution: no paired difference (one scenario only, or no replicate in "
            "common with the reference)"
        )
    ref = str(first["reference"].iloc[0])
    order = list(first.groupby("scenario", sort=False)["diff"].mean().sort_values().index)
    ys = {name: k for k, name in enumerate(order)}
    reps = int(first.groupby("scenario")["replicate"].nunique().max())
    subtitle = (
        f"{month_text(month)}. Each dot: one replicate's effect, the scenario minus "
        f"{scenario_label(ref)} with the same posterior draw and seed (common random numbers); "
        f"{reps} replicates. Shaded: their density. Black bar: the mean effect. Right: the "
        "probability that the scenario raises the outcome (share of replicates above 0)."
    )
    described = scenario_descriptions(meta, order[::-1])
    if described:
        subtitle += "\n" + described
    rng = np.random.default_rng(seed)
    height = 2.4 + 0.55 * len(order) + 0.2 * described.count("\n")
    with style():
        fig, body = canvas(12.5, max(4.6, height), "Distribution of each intervention's effect",
                           subtitle, meta)  # fmt: skip
        axes = np.atleast_1d(body.subplots(1, len(inds), sharey=True))
        for ax, ind in zip(axes, inds, strict=True):
            f, unit_label = _scale(ind)
            table = diffs[ind.name]
            for name in order:
                d = table.loc[table["scenario"] == name, "diff"].to_numpy(dtype=float) * f
                if len(d) == 0:
                    continue
                _draw_distribution(ax, d, ys[name], rng)
            ax.axvline(0, color=PALETTE["zero"], lw=1.1, zorder=2)
            ax.set_title(ind.label, fontsize=11.5, loc="left", wrap=True)
            ax.set_xlabel(f"Effect: difference to {scenario_label(ref)} ({unit_label})")
            ax.grid(axis="x", color=PALETTE["grid"], lw=0.6)
            for k in range(len(order)):
                if k % 2 == 1:
                    ax.axhspan(k - 0.5, k + 0.5, color=PALETTE["stripe"], lw=0, zorder=0)
            _probability_labels(ax, table, order, ys)
        axes[0].set_yticks(range(len(order)), [scenario_label(s) for s in order])
        axes[0].set_ylim(-0.6, len(order) - 0.4)
        for ax in axes:
            ax.tick_params(axis="y", length=0)
    return fig


def _draw_distribution(ax, d: np.ndarray, y: float, rng: np.random.Generator) -> None:
    """One scenario's effects at height ``y``: violin, dots, mean bar (green above 0, red
    below)."""
    mean = float(np.mean(d))
    colour = PALETTE["effect_up"] if mean >= 0 else PALETTE["effect_down"]
    if len(d) > 2 and float(np.ptp(d)) > 0:
        parts = ax.violinplot([d], positions=[y], widths=0.8, showextrema=False,
                              **_HORIZONTAL)
        for body in parts["bodies"]:
            body.set_facecolor(colour)
            body.set_alpha(0.18)
            body.set_edgecolor("none")
    jitter = rng.uniform(-0.17, 0.17, len(d))
    ax.scatter(d, y + jitter, s=13, color=colour, alpha=0.75, lw=0, zorder=3)
    ax.plot([mean, mean], [y - 0.32, y + 0.32], color="black", lw=2.2, zorder=4)


def _probability_labels(ax, table: pd.DataFrame, order: Sequence[str], ys: Mapping[str, int]):
    """P(raises) of each scenario at the right edge of ``ax``."""
    for name in order:
        d = table.loc[table["scenario"] == name, "diff"].to_numpy(dtype=float)
        if len(d) == 0:
            continue
        p = probability_positive(d)
        text = "no change" if np.all(d == 0) else f"P(raises) {100 * p:.0f}%"  # as the heatmap
        ax.annotate(text, (1.0, ys[name]),
                    xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=9,
                    color="0.25", annotation_clip=False)  # fmt: skip


# --- dose-response -------------------------------------------------------------------------------


def _effects_by_point(
    results: pd.DataFrame, ind: Indicator, months: Sequence[str], reference: str | None
) -> pd.DataFrame:
    """Mean paired effect, its 95% interval and P(raises) per scenario and month."""
    d = paired_differences(results, ind, months, reference)
    rows = []
    for (name, month), g in d.groupby(["scenario", "month"], sort=False):
        x = g["diff"].to_numpy(dtype=float)
        mean, lo, hi = mean_interval(x)
        rows.append({"scenario": name, "month": month, "mean": mean, "low": lo, "high": hi,
                     "p": probability_positive(x), "n": len(x),
                     "same": bool(len(x)) and bool(np.all(x == 0))})  # fmt: skip
    return pd.DataFrame(rows)


def _lever_label(path: str) -> str:
    """A lever's path as an axis label."""
    if path.startswith("intervention."):
        _, name, fld = path.split(".")
        what = "share of eligible firms treated" if fld == "share" else fld
        return f"{scenario_label(name)}: {what}"
    return path.removeprefix("params.")


def plot_dose_response(
    results: pd.DataFrame,
    family: SweepFamily,
    *,
    meta: Mapping[str, Any] | None = None,
    reference: str | None = None,
    months: Sequence[str] | None = None,
    indicators: Sequence[Indicator | str] | None = None,
):
    """The effect of a one-lever sweep over the lever's value: for each month (default
    :func:`dose_months`), the mean paired effect of each point against ``reference`` and its
    95% interval as a band, one curve per month in viridis order (the first month dark, the
    last light).  One panel per indicator."""
    if len(family.levers) != 1:
        raise MissingDataError(f"dose-response: {family.name} sweeps {len(family.levers)} levers")
    import matplotlib as mpl

    inds = _indicators(indicators)
    months = list(months) if months else dose_months(results, (meta or {}).get(
        "intervention_starts"))  # fmt: skip
    lever = family.levers[0]
    xs = {name: v[0] for name, v in family.points.items()}
    colours = mpl.colormaps["viridis"](np.linspace(0.0, 0.85, max(2, len(months))))
    reps = int(results["replicate"].nunique())
    ref = _reference_name(results, reference)
    subtitle = (
        f"The effect of each point of the sweep (minus {scenario_label(ref)}, paired replicate "
        "by replicate: same posterior draw and seed) over the lever's value; dots: the mean of "
        f"{reps} replicates, bars: its 95% interval. One curve per month, darker for earlier "
        "months (bars side by side within a value)."
    )
    subtitle += _family_description(meta, family)
    with style():
        fig, body = canvas(12.5, 5.8, f"Dose-response: {scenario_label(family.name)}",
                           subtitle, meta)  # fmt: skip
        axes = np.atleast_1d(body.subplots(1, len(inds)))
        handles = []
        for ax, ind in zip(axes, inds, strict=True):
            f, unit_label = _scale(ind)
            eff = _effects_by_point(results, ind, months, ref)
            eff = eff[eff["scenario"].isin(list(xs))]
            eff = eff.assign(x=eff["scenario"].map(xs)).sort_values("x")
            handles = []
            step = min(np.diff(sorted(set(xs.values()))), default=1.0)
            for k, (colour, month) in enumerate(zip(colours, months, strict=False)):
                g = eff[eff["month"] == month]
                if g.empty:
                    continue
                shift = (k - (len(months) - 1) / 2) * 0.06 * step  # dodged: bars never overlap
                ax.errorbar(g["x"] + shift, g["mean"] * f,
                            yerr=[(g["mean"] - g["low"]) * f, (g["high"] - g["mean"]) * f],
                            fmt="none", ecolor=colour, elinewidth=1.6, capsize=0,
                            alpha=0.8, zorder=2)  # fmt: skip
                (h,) = ax.plot(g["x"] + shift, g["mean"] * f, color=colour, lw=2.2, marker="o",
                               ms=5, zorder=3, label=month_text(month))  # fmt: skip
                handles.append(h)
            ax.axhline(0, color=PALETTE["zero"], lw=1.0, zorder=1.5)
            ax.set_xlabel(_lever_label(lever))
            ax.set_ylabel(f"Effect ({unit_label})")
            ax.set_title(ind.label, fontsize=11.5, loc="left", wrap=True)
            ax.grid(color=PALETTE["grid"], lw=0.6)
        body.legend(handles=handles, title="Month", loc="outside right upper", alignment="left")
    return fig


def _family_description(meta: Mapping[str, Any] | None, family: SweepFamily) -> str:
    """A new line with what the swept scenario changes, or nothing when it says nothing."""
    known = (meta or {}).get("scenario_descriptions") or {}
    text = known.get(next(iter(family.points)), "")
    return f"\n{scenario_label(family.name)}: {text}" if text else ""


def _reference_name(results: pd.DataFrame, reference: str | None) -> str:
    names = list(dict.fromkeys(results["scenario"].astype(str)))
    if reference is not None:
        return reference
    return "baseline" if "baseline" in names else names[0]


def plot_dose_heatmap(
    results: pd.DataFrame,
    family: SweepFamily,
    *,
    meta: Mapping[str, Any] | None = None,
    reference: str | None = None,
    month: str | None = None,
    indicators: Sequence[Indicator | str] | None = None,
):
    """The effect of a two-lever sweep at ``month`` (default the last): a heatmap of the mean
    paired effect against ``reference``, the first lever across and the second up, in a
    diverging scale centred on 0 (green raises, purple lowers); each cell gives the mean effect
    and the probability that the mix raises the outcome.  One panel per indicator."""
    if len(family.levers) != 2:
        raise MissingDataError(f"heatmap: {family.name} sweeps {len(family.levers)} lever(s)")
    from matplotlib.colors import TwoSlopeNorm

    inds = _indicators(indicators)
    month = month or pd.Timestamp(results["date"].max()).strftime("%Y-%m")
    ref = _reference_name(results, reference)
    xs, ys = family.values(0), family.values(1)
    reps = int(results["replicate"].nunique())
    subtitle = (
        f"{scenario_label(family.name)}, {month_text(month)}: the mean effect of each mix "
        f"(minus {scenario_label(ref)}, paired replicate by replicate: same posterior draw "
        f"and seed; {reps} replicates) and, below it, the probability that the mix raises the "
        "outcome (share of replicates above 0)."
    )
    subtitle += _family_description(meta, family)
    with style():
        fig, body = canvas(6.2 * len(inds) + 1.0, 6.4,
                           f"Two levers together: {scenario_label(family.name)}", subtitle,
                           meta)  # fmt: skip
        axes = np.atleast_1d(body.subplots(1, len(inds)))
        for ax, ind in zip(axes, inds, strict=True):
            f, unit_label = _scale(ind)
            eff = _effects_by_point(results, ind, [month], ref).set_index("scenario")
            grid = np.full((len(ys), len(xs)), np.nan)
            prob = np.full_like(grid, np.nan)
            same = np.zeros(grid.shape, dtype=bool)
            for name, (a, b) in family.points.items():
                if name in eff.index:
                    grid[ys.index(b), xs.index(a)] = eff.loc[name, "mean"] * f
                    prob[ys.index(b), xs.index(a)] = eff.loc[name, "p"]
                    same[ys.index(b), xs.index(a)] = eff.loc[name, "same"]
            far = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 1.0
            far = far or 1.0
            norm = TwoSlopeNorm(0.0, -far, far)
            image = ax.imshow(grid, origin="lower", cmap="PRGn", norm=norm, aspect="auto")
            for i in range(len(ys)):
                for j in range(len(xs)):
                    if not np.isfinite(grid[i, j]):
                        continue
                    dark = abs(grid[i, j]) > 0.6 * far
                    below = "no change" if same[i, j] else f"{100 * prob[i, j]:.0f}%"
                    ax.text(
                        j,
                        i,
                        f"{grid[i, j]:+.2f}\n{below}",
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="white" if dark else "black",
                    )
            ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
            ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
            ax.set_xlabel(_lever_label(family.levers[0]))
            ax.set_ylabel(_lever_label(family.levers[1]))
            ax.set_title(ind.label, fontsize=11.5, loc="left", wrap=True)
            ax.spines[:].set_visible(False)
            bar = fig.colorbar(image, ax=ax, shrink=0.85)
            bar.set_label(f"Mean effect ({unit_label})")
    return fig
