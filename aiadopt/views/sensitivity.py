"""Sensitivity indices as figures: one sorted bar plot per output, with 95% intervals
(``aiadopt sensitivity``, through the ``figures=`` hook of
:func:`aiadopt.experiments.sensitivity.run_sensitivity`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .save import figure_bytes
from .style import PALETTE, new_figure, style

__all__ = ["plot_indices", "sensitivity_figures"]


def plot_indices(rows: pd.DataFrame, meta: Mapping[str, str]):
    """A sorted horizontal bar plot of one output's indices with 95% intervals.

    ``rows``: that output's rows of the indices table (``output, parameter, index, value,
    conf``); ``meta``: ``method`` (morris or sobol), ``main`` and ``second`` (the indices:
    mu_star and sigma, or ST and S1; bars sorted by ``main``), ``vectors`` (parameter vectors
    run), ``label`` and ``unit`` of the output.
    """
    main, second = meta["main"], meta["second"]
    first = rows[rows["index"] == main].sort_values("value", kind="stable")
    other = rows[rows["index"] == second].set_index("parameter").loc[first["parameter"]]
    n = len(first)
    pos = np.arange(n)
    with style():
        fig = new_figure(8.0, 1.6 + 0.32 * n)
        ax = fig.add_subplot()
        h = 0.4
        conf = np.nan_to_num(first["conf"].to_numpy(), nan=0.0)
        ax.barh(
            pos + h / 2, first["value"], height=h, xerr=conf, color=PALETTE["model"],
            ecolor=PALETTE["zero"], capsize=2, label=main,
        )  # fmt: skip
        oconf = other["conf"].to_numpy()
        ax.barh(
            pos - h / 2, other["value"], height=h,
            xerr=None if np.isnan(oconf).all() else np.nan_to_num(oconf, nan=0.0),
            color=PALETTE["study"], ecolor=PALETTE["zero"], capsize=2, label=second,
        )  # fmt: skip
        ax.set_yticks(pos, first["parameter"])
        ax.axvline(0, color=PALETTE["zero"], linewidth=0.8)
        if meta["method"] == "morris":
            xlabel = f"Elementary effect over the parameter's range ({meta['unit']})"
        else:
            xlabel = "Share of the output's variance (Sobol' index)"
        ax.set_xlabel(xlabel)
        ax.set_title(
            f"Sensitivity of: {meta['label']}\n{meta['method']}, {meta['vectors']} vectors; "
            "bars: 95% intervals",
            loc="left",
        )
        ax.legend(loc="lower right")
    return fig


def sensitivity_figures(rows: pd.DataFrame, meta: Mapping[str, str]) -> dict[str, bytes]:
    """The ``figures=`` hook of :func:`aiadopt.experiments.sensitivity.run_sensitivity`, called
    once per output: ``<output>.png`` and ``<output>.svg`` of :func:`plot_indices`."""
    fig = plot_indices(rows, meta)
    title = f"Sensitivity of: {meta['label']}"
    return {
        f"{meta['output']}.{fmt}": figure_bytes(fig, fmt, title=title) for fmt in ("png", "svg")
    }
