"""Sensitivity indices as figures (``aiadopt sensitivity``, through the ``figures=`` hook of
:func:`aiadopt.experiments.sensitivity.run_sensitivity`).

One figure per output: the indices as sorted bars with their 95% intervals (Morris: mu* and
sigma; Sobol': total ST and first-order S1) and, for Morris, the mu*-sigma plane (a parameter
far above the diagonal acts through interactions or non-linearly).  Parameters are named from
their metadata (``collaboration_effect[3]`` reads "collaboration effect: none"); the footer
gives the provenance like every other figure.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from enum import IntEnum

import numpy as np
import pandas as pd

from ..model import Params, stages
from .save import figure_bytes
from .style import PALETTE, canvas, spread_labels, style

__all__ = ["TOP", "parameter_label", "plot_indices", "sensitivity_figures"]

TOP = 25
"""The bars show the parameters with the largest main index, at most this many (the analysis
ranges over every parameter with a prior, about 235; indices.csv has them all); the mu*-sigma
plane shows every parameter."""

_SIZE_NAMES = {
    "s100_249": "100-249 employees",
    "s250_499": "250-499 employees",
    "s500_plus": "500+ employees",
}


@functools.cache
def _units() -> dict[str, str]:
    return {f.name: str(f.metadata.get("unit", "")) for f in dataclasses.fields(Params)}


def _categories(unit: str) -> list[str] | None:
    """The categories a vector parameter's elements follow, read from its unit: "... by
    Strategy" (an enumeration of the model) or "... for engaged Technique, Business"."""
    by = re.search(r"\bby ([A-Z]\w+)", unit)
    if by:
        enum = getattr(stages, by.group(1), None)
        if isinstance(enum, type) and issubclass(enum, IntEnum):
            names = [stages.label(m) for m in sorted(enum, key=int) if int(m) >= 0]
            return [_SIZE_NAMES.get(n, n.replace("_", " ")) for n in names]
    listed = re.search(r"([A-Z]\w+(?:, [A-Z]\w+)+)", unit)
    if listed:
        return [x.strip() for x in listed.group(1).split(",")]
    return None


def parameter_label(name: str) -> str:
    """A parameter as a reader reads it: ``bass_q`` -> "bass q", ``collaboration_effect[3]``
    -> "collaboration effect: none" (the element's category, from the parameter's unit);
    an element without a known category keeps its index."""
    base, _, rest = name.partition("[")
    words = base.replace("_", " ")
    if not rest:
        return words
    try:
        k = int(rest.rstrip("]"))
    except ValueError:
        return name
    cats = _categories(_units().get(base, ""))
    if cats is not None and 0 <= k < len(cats):
        return f"{words}: {cats[k]}"
    return f"{words} [{k}]"


def _footer(meta: Mapping[str, str]) -> dict[str, str]:
    """The provenance footer's keys: version, root seed, firms, parameter hash, runs."""
    out = {k: meta[k] for k in ("version", "root_seed", "firms", "param_hash") if meta.get(k)}
    reps = meta.get("replicates")
    out["note"] = f"{meta.get('vectors', '?')} parameter vectors" + (
        f" x {reps} seeds" if reps else ""
    )
    return out


def plot_indices(rows: pd.DataFrame, meta: Mapping[str, str]):
    """One output's sensitivity indices: sorted bars with 95% intervals (the :data:`TOP`
    largest) and, for Morris, the mu*-sigma plane (every parameter).

    ``rows``: that output's rows of the indices table (``output, parameter, index, value,
    conf``); ``meta``: ``method`` (morris or sobol), ``main`` and ``second`` (the indices:
    mu_star and sigma, or ST and S1; bars sorted by ``main``), ``vectors`` (parameter vectors
    run), ``label`` and ``unit`` of the output, ``ranges`` (where the ranges come from;
    optional), and the provenance (``version``,
    ``root_seed``, ``replicates``, ``firms``, ``param_hash``) for the footer.
    """
    main, second = meta["main"], meta["second"]
    every = rows[rows["index"] == main].sort_values("value", kind="stable")
    every_other = rows[rows["index"] == second].set_index("parameter").loc[every["parameter"]]
    first = every.tail(TOP)
    other = every_other.loc[first["parameter"]]
    n, total = len(first), len(every)
    morris = meta["method"] == "morris"
    labels = [parameter_label(p) for p in first["parameter"]]
    shown = f"the {n} largest of {total} parameters" if n < total else f"{total} parameters"
    ranges = f" (ranges: {meta['ranges']})" if meta.get("ranges") else ""
    if morris:
        subtitle = (
            f"Morris elementary effects over each parameter's range{ranges}, "
            f"{meta.get('vectors', '?')} parameter vectors; {shown}. mu*: mean absolute effect "
            "(how much the parameter moves the output); sigma: their spread (interactions, "
            "non-linearity). Bars: 95% intervals."
        )
    else:
        subtitle = (
            f"Sobol' indices over each parameter's range{ranges}, {meta.get('vectors', '?')} "
            f"parameter vectors; {shown}. ST: share of the output's variance the parameter is "
            "involved in (with interactions); S1: its share alone. Bars: 95% intervals."
        )
    height = 2.4 + 0.3 * n
    with style():
        fig, body = canvas(
            13.5 if morris else 9.5, height, f"Sensitivity of: {meta['label']}", subtitle,
            _footer(meta),
        )  # fmt: skip
        if morris:
            ax, ax_s = body.subplots(1, 2, width_ratios=[1.15, 1])
        else:
            ax, ax_s = body.subplots(), None
        pos = np.arange(n)
        h = 0.4
        conf = np.nan_to_num(first["conf"].to_numpy(), nan=0.0)
        ax.barh(
            pos + h / 2, first["value"], height=h, xerr=conf, color=PALETTE["model"],
            ecolor=PALETTE["zero"], capsize=2, label=_index_name(main),
        )  # fmt: skip
        oconf = other["conf"].to_numpy()
        ax.barh(
            pos - h / 2, other["value"], height=h,
            xerr=None if np.isnan(oconf).all() else np.nan_to_num(oconf, nan=0.0),
            color=PALETTE["study"], ecolor=PALETTE["zero"], capsize=2, label=_index_name(second),
        )  # fmt: skip
        ax.set_yticks(pos, labels)
        ax.set_ylim(-0.7, n - 0.3)
        ax.axvline(0, color=PALETTE["zero"], linewidth=0.8)
        ax.grid(axis="x", color=PALETTE["grid"], lw=0.6)
        if morris:
            ax.set_xlabel(f"Effect over the parameter's range ({meta['unit']})")
        else:
            ax.set_xlabel("Share of the output's variance (Sobol' index)")
        ax.set_title("Indices, sorted by " + _index_name(main), fontsize=11.5)
        ax.legend(loc="lower right")
        if ax_s is not None:
            _mu_sigma(ax_s, every, every_other, [parameter_label(p) for p in every["parameter"]],
                      meta)  # fmt: skip
    return fig


def _index_name(index: str) -> str:
    return {"mu_star": "mu*", "sigma": "sigma"}.get(index, index)


def _mu_sigma(ax, first: pd.DataFrame, other: pd.DataFrame, labels: list[str], meta) -> None:
    """The Morris mu*-sigma plane: one dot per parameter, the most influential labelled; the
    line sigma = mu* separates mostly linear, additive effects (below) from interacting or
    non-linear ones (above)."""
    mu = np.nan_to_num(first["value"].to_numpy(dtype=float), nan=0.0)
    sigma = np.nan_to_num(other["value"].to_numpy(dtype=float), nan=0.0)
    ax.scatter(mu, sigma, s=30, color=PALETTE["model"], edgecolor="white", lw=0.6, zorder=3)
    x_top = max(float(mu.max(initial=0.0)), 1e-9) * 1.35  # room for the labels on the right
    y_top = max(float(sigma.max(initial=0.0)), 1e-9) * 1.15
    edge = min(x_top, y_top)
    ax.plot([0, edge], [0, edge], color="0.5", lw=1.0, ls=(0, (4, 3)), zorder=1)
    ax.annotate("sigma = mu*", (edge, edge), xytext=(-4, -2), textcoords="offset points",
                ha="right", va="top", fontsize=8.5, color="0.4")  # fmt: skip
    ax.set_xlim(0, x_top)
    ax.set_ylim(0, y_top)
    ax.grid(color=PALETTE["grid"], lw=0.6)
    ax.set_xlabel(f"mu*: mean absolute effect ({meta['unit']})")
    ax.set_ylabel(f"sigma: spread of the effects ({meta['unit']})")
    ax.set_title("mu* against sigma (Morris)", fontsize=11.5)
    order = [i for i in np.argsort(-(mu + sigma))[:7] if mu[i] + sigma[i] > 0]
    if not order:
        return
    ys = spread_labels([float(sigma[i]) for i in order], 0.06 * y_top)
    ys = [min(max(y, 0.04 * y_top), 0.96 * y_top) for y in ys]
    for i, y in zip(order, ys, strict=True):
        ax.annotate(
            labels[i], (mu[i], sigma[i]), xytext=(mu[i] + 0.03 * x_top, y), textcoords="data",
            ha="left", va="center", fontsize=8.5, color="0.2",
            arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.6, "shrinkA": 0, "shrinkB": 3},
        )  # fmt: skip


def sensitivity_figures(rows: pd.DataFrame, meta: Mapping[str, str]) -> dict[str, bytes]:
    """The ``figures=`` hook of :func:`aiadopt.experiments.sensitivity.run_sensitivity`, called
    once per output: ``<output>.png`` and ``<output>.svg`` of :func:`plot_indices`."""
    fig = plot_indices(rows, meta)
    title = f"Sensitivity of: {meta['label']}"
    return {
        f"{meta['output']}.{fmt}": figure_bytes(fig, fmt, title=title) for fmt in ("png", "svg")
    }
