"""Series out of a tidy results table, for the figures.

A results table is a run's trajectories (``date, metric, group, value``) or an experiment's
results (``scenario, replicate, seed, date, metric, group, value``); :func:`as_results` makes
the first look like the second (scenario ``"run"``, replicate 0), so every figure reads both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .style import PALETTE, SCENARIO_COLOURS

RUN_SCENARIO = "run"
"""Scenario name given to a single run's trajectories (no ``scenario`` column)."""


class MissingDataError(ValueError):
    """The results lack the metrics a figure needs (the message names them)."""


def as_results(tidy: pd.DataFrame) -> pd.DataFrame:
    """``tidy`` with ``scenario`` and ``replicate`` columns: a single run's trajectories
    (``date, metric, group, value``) become scenario ``"run"``, replicate 0."""
    missing = [c for c in ("date", "metric", "group", "value") if c not in tidy.columns]
    if missing:
        raise ValueError(
            f"not a tidy results table: no column {', '.join(missing)} "
            f"(columns: {', '.join(map(str, tidy.columns))})"
        )
    out = tidy
    if "scenario" not in out.columns:
        out = out.assign(scenario=RUN_SCENARIO)
    if "replicate" not in out.columns:
        out = out.assign(replicate=0)
    return out


def scenarios_of(results: pd.DataFrame) -> list[str]:
    """Scenario names in the experiment's order (categorical order, else first appearance)."""
    col = as_results(results)["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.unique(col.cat.codes.to_numpy())
        return [str(col.cat.categories[k]) for k in codes if k >= 0]
    return [str(s) for s in pd.unique(col)]


def reference_of(results: pd.DataFrame, reference: str | None = None) -> str:
    """The reference scenario: ``reference`` if given, else ``baseline`` if present, else the
    first scenario."""
    names = scenarios_of(results)
    if not names:
        raise ValueError("the results table is empty")
    if reference is not None:
        if reference not in names:
            raise ValueError(f"scenario {reference!r} is not among {', '.join(names)}")
        return reference
    return "baseline" if "baseline" in names else names[0]


def scenario_label(name: str) -> str:
    """A scenario's name as printed in figures (underscores to spaces)."""
    return str(name).replace("_", " ")


def scenario_descriptions(meta: Mapping[str, Any] | None, names: Sequence[str]) -> str:
    """What each of ``names`` changes (which firms, which state, from when), one line each,
    from the descriptions a folder's manifest holds (``meta["scenario_descriptions"]``): the
    lines a figure shows under its subtitle.  Empty when none is known.  Points of one sweep
    (``name[lever=value]``) share a line, ``name[...]``.
    """
    known = (meta or {}).get("scenario_descriptions") or {}
    lines: dict[str, str] = {}
    for n in names:
        if not known.get(n):
            continue
        label = scenario_label(n.split("[", 1)[0] + "[...]" if "[" in n else n)
        lines.setdefault(label, f"{label}: {known[n]}")
    return "\n".join(lines.values())


def scenario_colours(names: Sequence[str], reference: str | None) -> dict[str, str]:
    """A fixed colour per scenario: the reference in dark grey, the others in order; the
    points of a sweep (``name[lever=value,...]``) in an ordered scale (viridis, dark to light
    as the lever's value grows), never unrelated colours."""
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    families: dict[str, list[str]] = {}
    for name in names:
        if "[" in name and name != reference:
            families.setdefault(name.split("[", 1)[0], []).append(name)
    ordered: dict[str, str] = {}
    for points in families.values():
        points = sorted(points, key=sweep_position)
        shades = mpl.colormaps["viridis"](np.linspace(0.0, 0.88, max(2, len(points))))
        ordered.update({n: to_hex(c) for n, c in zip(points, shades, strict=False)})
    out, k = {}, 0
    for name in names:
        if name == reference:
            out[name] = PALETTE["reference"]
        elif name in ordered:
            out[name] = ordered[name]
        else:
            out[name] = SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]
            k += 1
    return out


def sweep_position(name: str) -> tuple[float, ...]:
    """The lever values of a sweep point's name (``strategy[share=0.3]`` -> (0.3,)), numbers
    where they are numbers (others: NaN), for ordering the points."""
    inside = name.partition("[")[2].rstrip("]")
    values = []
    for part in inside.split(","):
        text = part.rpartition("=")[2]
        try:
            values.append(float(text))
        except ValueError:
            values.append(float("nan"))
    return tuple(values)


def metrics_of(results: pd.DataFrame) -> set[str]:
    """The metric names present in ``results``."""
    col = results["metric"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return {str(m) for m in col.cat.categories[np.unique(col.cat.codes[col.cat.codes >= 0])]}
    return {str(m) for m in pd.unique(col)}


def select_rows(
    results: pd.DataFrame,
    metrics: str | Sequence[str],
    group: str | None = None,
    scenario: str | None = None,
) -> pd.DataFrame:
    """Rows of the given metrics (and group, scenario), with plain string columns."""
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    rows = results.loc[
        results["metric"].isin(names).to_numpy(),
        ["scenario", "replicate", "date", "metric", "group", "value"],
    ]
    if group is not None:
        rows = rows[(rows["group"] == group).to_numpy()]
    if scenario is not None:
        rows = rows[(rows["scenario"] == scenario).to_numpy()]
    return rows.assign(
        scenario=rows["scenario"].astype(str),
        metric=rows["metric"].astype(str),
        group=rows["group"].astype(str),
        date=pd.to_datetime(rows["date"]),
    )


def replicate_band(rows: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """Per date: ``mean`` over replicates, ``low`` and ``high`` (5th and 95th percentiles of
    the replicates), ``n`` replicates; values multiplied by ``scale``.  ``rows`` hold one
    series (one scenario, metric and group)."""
    wide = rows.groupby(["date", "replicate"])["value"].mean().unstack("replicate")
    wide = wide.sort_index().astype(float) * scale
    return pd.DataFrame(
        {
            "mean": wide.mean(axis=1),
            "low": wide.quantile(0.05, axis=1),
            "high": wide.quantile(0.95, axis=1),
            "n": wide.notna().sum(axis=1),
        }
    )


def paired_difference(
    rows: pd.DataFrame, scenario: str, reference: str, scale: float = 1.0
) -> pd.DataFrame:
    """Per date: the mean paired difference ``scenario - reference`` over the replicates they
    share (replicate k of both has the same seed: common random numbers), ``low`` and ``high``
    (its 95% t interval; NaN below two pairs) and ``n`` pairs; values times ``scale``.  ``rows``
    hold one metric and group, both scenarios."""
    from scipy.special import stdtrit  # lighter to import than scipy.stats

    def wide(name: str) -> pd.DataFrame:
        sel = rows[(rows["scenario"] == name).to_numpy()]
        return sel.groupby(["date", "replicate"])["value"].mean().unstack("replicate")

    diff = (wide(scenario) - wide(reference)).sort_index().astype(float) * scale
    n = diff.notna().sum(axis=1)
    mean = diff.mean(axis=1)
    sd = diff.std(axis=1, ddof=1)
    t = pd.Series([float(stdtrit(k - 1, 0.975)) if k > 1 else np.nan for k in n], index=diff.index)
    half = t * sd / np.sqrt(n.clip(lower=1))
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half, "n": n})


def n_replicates(results: pd.DataFrame) -> int:
    """The most replicates any scenario of ``results`` has."""
    counts = results.groupby(results["scenario"].astype(str), observed=True)["replicate"].nunique()
    return int(counts.max()) if len(counts) else 0


def n_replicates_of(results: pd.DataFrame, scenario: str) -> int:
    """The replicates of ``scenario`` in ``results``."""
    return int(results.loc[(results["scenario"] == scenario).to_numpy(), "replicate"].nunique())


def band_text(n: int) -> str:
    """How a figure draws ``n`` replicates, for its subtitle."""
    if n <= 1:
        return "one run (no replicate band)"
    return f"line: mean of {n} replicates; band: 5th-95th percentile of the replicates"


def date_range(results: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last month of ``results``."""
    dates = pd.to_datetime(results["date"])
    return pd.Timestamp(dates.min()), pd.Timestamp(dates.max())


def require(results: pd.DataFrame, metrics: Sequence[str], what: str) -> None:
    """Raise :class:`MissingDataError` naming the ``metrics`` that ``results`` lacks for the
    figure ``what``."""
    have = metrics_of(results)
    missing = [m for m in metrics if m not in have]
    if missing:
        raise MissingDataError(
            f"{what}: the results have no {', '.join(missing)} (keep these metrics, e.g. "
            "'aiadopt experiment --metrics all')"
        )


def month_text(month: str) -> str:
    """``2027-12`` as ``Dec 2027``."""
    try:
        return pd.Timestamp(f"{month}-01").strftime("%b %Y")
    except ValueError:
        return str(month)
