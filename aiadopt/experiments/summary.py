"""The summary of an experiment: two indicators at two dates, by scenario, with paired
differences to the reference scenario.

Indicators (all firms, so that a scenario that brings more firms into use counts in full):

- share at scale: metric ``stage_share.scaled``, group ``all``: the share of firms that have
  scaled their deployment (the study's "passage a l'echelle");
- realised productivity: metric ``gain_realised.productivity``, group ``all``: the mean
  realised productivity gain over all firms, in percent (firms with nothing in place count
  as 0).  Group ``active`` (firms deployed or in progress, the study's Figure 15 base) is in
  the results too, but is not the headline: a policy that brings new, still unproductive
  firms into the active group lowers that mean while raising the total.

Other indicators (``--indicators`` of ``aiadopt experiment``, ``indicators=`` here): a name of
:data:`NAMED_INDICATORS` (share in place, cost and revenue gains ...), or any recorded metric
as ``METRIC`` (group ``all``) or ``METRIC@GROUP``; metrics joined by ``+`` are summed (the share
in place is ``stage_share.deployed+stage_share.scaled``).

Dates: December 2027 and the horizon (the last month of the runs), or the horizon alone when
the runs stop before 2028; or the months asked for (``--months``).

For each scenario: the mean over replicates and its 95% t interval.  For each scenario but the
reference, the effect, from the paired differences ``d_k = scenario_k - reference_k`` over the
replicates both have (replicate k of the two shares its seed and parameter vector: common
random numbers):

- ``diff`` with ``diff_ci_low``/``diff_ci_high``: the paired mean effect, mean of the ``d_k``,
  and its 95% t interval: how precisely the replicates pin the mean effect (it narrows as
  replicates are added);
- ``effect_ppi_05``/``effect_ppi_95``: the posterior-predictive interval of the effect, the 5%
  and 95% quantiles of the ``d_k`` (numpy's linear interpolation): where the effect of one
  possible world lies.  Each replicate has its own posterior draw of the parameters (when the
  experiment draws from a posterior sample, :mod:`aiadopt.experiments.seeds`) and its own
  seed, so the interval spreads over both the parameter uncertainty and the model's
  stochastic noise (a population of ``firms`` firms); it does not narrow with more
  replicates.  Survey-sampling noise does not apply: the indicators are model outcomes (e.g.
  the share of all firms at scale in 2030), not estimates from a sample of respondents.
  Without a posterior sample (one parameter point) the interval is the stochastic spread
  only.  Its quantiles are read off the replicates: with fewer than about 20 they are rough;
- ``p_effect_positive``: the probability that the scenario raises the indicator, the share of
  the replicates whose paired difference is above 0 (each replicate its own posterior draw
  and seed, as above).  A tie (the same value in both, which happens for shares of a small
  population) counts as not raised, so ``p_effect_positive`` and the share of replicates
  lowered need not add up to 1.  With 20 replicates it moves in steps of 5 points;
- ``unpaired_ci_low``/``unpaired_ci_high``: for comparison, the unpaired (Welch) 95% interval
  of the difference of the means, which ignores the pairing.  With common random numbers the
  paired interval is narrower.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "INDICATORS",
    "NAMED_INDICATORS",
    "SUMMARY_MONTH",
    "Indicator",
    "beats_matrix",
    "check_months",
    "format_beats",
    "format_summary",
    "indicator",
    "paired_differences",
    "parse_indicators",
    "parse_months",
    "predictive_interval",
    "probability_positive",
    "summarise",
]

SUMMARY_MONTH = "2027-12"
"""The intermediate month of the summary (besides the horizon)."""

LEVEL = 0.95
PREDICTIVE = (0.05, 0.95)
"""The quantiles of the paired differences that bound the posterior-predictive interval."""


@dataclass(frozen=True)
class Indicator:
    """One outcome of the summary: ``metric`` (metrics joined by ``+`` are summed) in
    ``group``, shown with its ``unit``."""

    name: str
    label: str
    metric: str
    group: str
    unit: str  # "share" (0-1, shown in %), "percent" (already in %) or "value"

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics summed into the indicator."""
        return tuple(self.metric.split("+"))


NAMED_INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("share_scaled", "Share of firms at scale", "stage_share.scaled", "all",
                  "share"),
        Indicator("share_in_place", "Share of firms with use cases in place (deployed or at "
                  "scale)", "stage_share.deployed+stage_share.scaled", "all", "share"),
        Indicator("share_engaged", "Share of firms engaged (planned or beyond)",
                  "stage_share.planned+stage_share.experimenting+stage_share.deployed"
                  "+stage_share.scaled", "all", "share"),
        Indicator("productivity_realised", "Realised productivity gain, mean over all firms",
                  "gain_realised.productivity", "all", "percent"),
        Indicator("productivity_active", "Realised productivity gain, mean over active firms",
                  "gain_realised.productivity", "active", "percent"),
        Indicator("cost_realised", "Realised cost gain, mean over all firms",
                  "gain_realised.cost", "all", "percent"),
        Indicator("revenue_realised", "Realised revenue gain, mean over all firms",
                  "gain_realised.revenue", "all", "percent"),
    )
}  # fmt: skip
"""Indicators known by name (``--indicators``)."""

INDICATORS = (NAMED_INDICATORS["share_scaled"], NAMED_INDICATORS["productivity_realised"])
"""The summary's default indicators."""

_METRIC = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def indicator(spec: str) -> Indicator:
    """The indicator ``spec`` names: a key of :data:`NAMED_INDICATORS`, or ``METRIC`` (group
    ``all``) or ``METRIC@GROUP``, metrics joined by ``+`` summed.  Its unit: a share for
    ``*share*``, ``deployed_view.*`` and ``obstacle_prevalence.*`` metrics, percent for gains,
    else a plain value.  ValueError names what is allowed."""
    spec = spec.strip()
    if spec in NAMED_INDICATORS:
        return NAMED_INDICATORS[spec]
    metric, _, group = spec.partition("@")
    parts = metric.split("+")
    if not all(_METRIC.match(m) for m in parts) or (group == "" and "@" in spec):
        raise ValueError(
            f"unknown indicator {spec!r}: give one of {', '.join(NAMED_INDICATORS)}, or a "
            "metric of the results as METRIC or METRIC@GROUP (e.g. stage_share.deployed@all)"
        )
    first = parts[0]
    if "share" in first or first.startswith(("deployed_view.", "obstacle_prevalence.")):
        unit = "share"
    elif first.startswith("gain_"):
        unit = "percent"
    else:
        unit = "value"
    return Indicator(spec, spec, metric, group or "all", unit)


def parse_indicators(text: str | Sequence[str]) -> tuple[Indicator, ...]:
    """Indicators from a comma-separated list (or a list) of :func:`indicator` specs."""
    items = [t for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    if not items:
        raise ValueError(f"no indicator given; give one or more of {', '.join(NAMED_INDICATORS)}")
    return tuple(dict.fromkeys(indicator(t) for t in items))


def parse_months(text: str | Sequence[str]) -> list[str]:
    """Months ``YYYY-MM`` from a comma-separated list (or a list), in order, once each."""
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    items = [t for t in items if t]
    bad = [t for t in items if not _MONTH.match(t)]
    if bad or not items:
        raise ValueError(
            f"months must be YYYY-MM, comma-separated (e.g. 2027-12,2030-12), got {text!r}"
        )
    return sorted(dict.fromkeys(items))


SUMMARY_COLUMNS = (
    "indicator",
    "metric",
    "group",
    "month",
    "scenario",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "reference",
    "n_pairs",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "effect_ppi_05",
    "effect_ppi_95",
    "p_effect_positive",
    "unpaired_ci_low",
    "unpaired_ci_high",
)


def _t(df: float) -> float:
    """Quantile 0.975 of Student's t with ``df`` degrees of freedom."""
    from scipy.special import stdtrit  # lighter to import than scipy.stats

    return float(stdtrit(df, 0.5 + LEVEL / 2)) if df > 0 else math.nan


def mean_interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval of ``x`` (NaN interval below 2 values)."""
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = float(np.mean(x))
    if n < 2:
        return m, math.nan, math.nan
    half = _t(n - 1) * float(np.std(x, ddof=1)) / math.sqrt(n)
    return m, m - half, m + half


def predictive_interval(d: np.ndarray) -> tuple[float, float]:
    """The 5% and 95% quantiles of the paired differences ``d`` (NaN for none): the
    posterior-predictive interval of the effect (see the module docstring)."""
    if len(d) == 0:
        return math.nan, math.nan
    lo, hi = np.quantile(d, PREDICTIVE)
    return float(lo), float(hi)


def probability_positive(d: np.ndarray) -> float:
    """The share of the paired differences ``d`` that are above 0 (NaN for none): the
    probability that the scenario raises the outcome, over the posterior draws and seeds of the
    replicates.  Ties count as not raised."""
    d = np.asarray(d, dtype=float)
    return float(np.mean(d > 0)) if len(d) else math.nan


def welch_interval(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Difference of means ``mean(x) - mean(y)`` and its 95% Welch interval (unpaired)."""
    nx, ny = len(x), len(y)
    if nx == 0 or ny == 0:
        return math.nan, math.nan, math.nan
    d = float(np.mean(x) - np.mean(y))
    if nx < 2 or ny < 2:
        return d, math.nan, math.nan
    vx, vy = float(np.var(x, ddof=1)) / nx, float(np.var(y, ddof=1)) / ny
    se = math.sqrt(vx + vy)
    if se == 0:
        return d, d, d
    df = (vx + vy) ** 2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1))
    half = _t(df) * se
    return d, d - half, d + half


def summary_months(results: pd.DataFrame) -> list[str]:
    """December 2027 and the last month of the results (or the last month alone)."""
    if results.empty:
        return []
    last = pd.Timestamp(results["date"].max()).strftime("%Y-%m")
    return [SUMMARY_MONTH, last] if last > SUMMARY_MONTH else [last]


def summarise(
    results: pd.DataFrame,
    reference: str | None = None,
    months: Sequence[str] | None = None,
    indicators: Sequence[Indicator] | None = None,
) -> pd.DataFrame:
    """The summary table (see the module docstring) of an experiment's tidy results.

    ``reference``: the scenario differences are taken to (default: ``baseline`` when present,
    else the first scenario).  ``months``: ``YYYY-MM`` months (default: :func:`summary_months`).
    ``indicators``: default :data:`INDICATORS`.  Months and indicators asked for must be in
    the results (ValueError naming the first that is not); the defaults show ``n/a`` where
    the results lack them (an experiment that kept other metrics).
    """
    scenarios = _scenario_order(results)
    reference = _reference(scenarios, reference)
    if indicators is not None:  # asked for: each must be in the results
        _check_indicators(results, indicators)
    if months is not None:
        check_months(results, months)
    months = list(months) if months is not None else summary_months(results)
    indicators = INDICATORS if indicators is None else indicators
    rows = []
    for ind in indicators:
        for month in months:
            by = _values_at(results, ind, month)
            ref = by.get(reference, pd.Series(dtype=float)) if reference else None
            for name in scenarios:
                x = by.get(name, pd.Series(dtype=float))
                mean, lo, hi = mean_interval(x.to_numpy())
                row = {
                    "indicator": ind.name,
                    "metric": ind.metric,
                    "group": ind.group,
                    "month": month,
                    "scenario": name,
                    "n": len(x),
                    "mean": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "reference": reference,
                    "n_pairs": 0,
                    "diff": math.nan,
                    "diff_ci_low": math.nan,
                    "diff_ci_high": math.nan,
                    "effect_ppi_05": math.nan,
                    "effect_ppi_95": math.nan,
                    "p_effect_positive": math.nan,
                    "unpaired_ci_low": math.nan,
                    "unpaired_ci_high": math.nan,
                }
                if ref is not None and name != reference:
                    common = x.index.intersection(ref.index)
                    d = (x.loc[common] - ref.loc[common]).to_numpy()
                    row["n_pairs"] = len(common)
                    row["diff"], row["diff_ci_low"], row["diff_ci_high"] = mean_interval(d)
                    row["effect_ppi_05"], row["effect_ppi_95"] = predictive_interval(d)
                    row["p_effect_positive"] = probability_positive(d)
                    _, row["unpaired_ci_low"], row["unpaired_ci_high"] = welch_interval(
                        x.to_numpy(), ref.to_numpy()
                    )
                rows.append(row)
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _values_at(results: pd.DataFrame, ind: Indicator, month: str) -> dict[str, pd.Series]:
    """Each scenario's values of ``ind`` at ``month``, indexed by replicate."""
    sel = _indicator_rows(results, ind)
    at = sel[sel["date"] == pd.Timestamp(f"{month}-01")]
    return {
        name: g.set_index("replicate")["value"].dropna()
        for name, g in at.groupby(at["scenario"].astype(str), sort=False)
    }


def _resolve(
    results: pd.DataFrame, ind: Indicator | str | None, months: Sequence[str] | str | None
) -> tuple[Indicator, list[str]]:
    """The indicator (default share at scale) and months (default :func:`summary_months`) of
    a question on ``results``, checked against them (ValueError naming what is missing)."""
    chosen = INDICATORS[0] if ind is None else (indicator(ind) if isinstance(ind, str) else ind)
    _check_indicators(results, [chosen])
    if months is None:
        wanted = summary_months(results)
    else:
        wanted = parse_months(months)
        check_months(results, wanted)
    return chosen, wanted


PAIRED_COLUMNS = ("indicator", "month", "scenario", "reference", "replicate", "value",
                  "reference_value", "diff")  # fmt: skip


def paired_differences(
    results: pd.DataFrame,
    indicator: Indicator | str | None = None,
    months: Sequence[str] | str | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """The replicates' own effects: for each month and scenario but the reference, one row
    per replicate both have, with the scenario's value, the reference's and their difference
    ``diff`` (replicate k of both shares its seed and posterior draw: the effect in one
    possible world).  Their mean is the summary's ``diff``, their 5-95% quantiles its
    predictive interval, their share above 0 its ``p_effect_positive``.

    ``indicator``: an :class:`Indicator` or a spec of :func:`indicator` (default share at
    scale); ``months``: ``YYYY-MM`` (default :func:`summary_months`); ``reference``: default
    ``baseline``, else the first scenario."""
    ind, wanted = _resolve(results, indicator, months)
    scenarios = _scenario_order(results)
    ref = _reference(scenarios, reference)
    frames = []
    for month in wanted:
        by = _values_at(results, ind, month)
        base = by.get(ref, pd.Series(dtype=float))
        for name in scenarios:
            if name == ref:
                continue
            x = by.get(name, pd.Series(dtype=float))
            common = x.index.intersection(base.index).sort_values()
            frames.append(
                pd.DataFrame(
                    {
                        "indicator": ind.name,
                        "month": month,
                        "scenario": name,
                        "reference": ref,
                        "replicate": common.to_numpy(),
                        "value": x.loc[common].to_numpy(),
                        "reference_value": base.loc[common].to_numpy(),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=list(PAIRED_COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out["diff"] = out["value"] - out["reference_value"]
    return out[list(PAIRED_COLUMNS)]


def beats_matrix(
    results: pd.DataFrame,
    indicator: Indicator | str | None = None,
    month: str | None = None,
    scenarios: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The probability that the row's scenario beats the column's (raises ``indicator`` above
    it at ``month``): the share of the replicates both have in which the row's value is the
    higher (replicate k of both shares its posterior draw and seed, so each replicate is one
    possible world with both levers in it).  Ties count as not beating; the diagonal is NaN.
    ``month``: default the last of the results."""
    ind, wanted = _resolve(results, indicator, None if month is None else [month])
    month = wanted[-1] if wanted else None
    names = list(scenarios) if scenarios is not None else _scenario_order(results)
    unknown = [n for n in names if n not in _scenario_order(results)]
    if unknown:
        raise ValueError(
            f"unknown scenario {unknown[0]!r}; the results have "
            f"{', '.join(_scenario_order(results))}"
        )
    by = _values_at(results, ind, month) if month else {}
    matrix = pd.DataFrame(math.nan, index=pd.Index(names, name=ind.name),
                          columns=pd.Index(names, name=month), dtype=float)  # fmt: skip
    for a in names:
        for b in names:
            if a == b:
                continue
            x, y = by.get(a, pd.Series(dtype=float)), by.get(b, pd.Series(dtype=float))
            common = x.index.intersection(y.index)
            matrix.loc[a, b] = probability_positive((x.loc[common] - y.loc[common]).to_numpy())
    return matrix


def format_beats(matrix: pd.DataFrame) -> str:
    """:func:`beats_matrix` as aligned text, in percent (row beats column)."""
    names = [str(n) for n in matrix.index]
    head = (
        f"Probability that the row's scenario beats the column's ({matrix.index.name} higher, "
        f"{matrix.columns.name}; share of paired replicates)"
    )
    width = max([len(n) for n in names] + [8])
    cols = [max(len(n), 5) for n in names]
    lines = [
        head,
        " " * width + "  " + "  ".join(n.rjust(w) for n, w in zip(names, cols, strict=True)),
    ]
    for a in names:
        cells = [
            (
                "-" if a == b or pd.isna(matrix.loc[a, b]) else f"{100 * matrix.loc[a, b]:.0f}%"
            ).rjust(w)
            for b, w in zip(names, cols, strict=True)
        ]
        lines.append(a.ljust(width) + "  " + "  ".join(cells))
    return "\n".join(lines)


def _reference(scenarios: Sequence[str], reference: str | None) -> str | None:
    """``reference`` (checked), else ``baseline`` when present, else the first scenario."""
    if reference is None:
        return "baseline" if "baseline" in scenarios else (scenarios[0] if scenarios else None)
    if reference not in scenarios:
        raise ValueError(f"reference scenario {reference!r} is not among {', '.join(scenarios)}")
    return reference


def _indicator_rows(results: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """The indicator's values: scenario, replicate, date, value (its metrics summed)."""
    sel = results[results["metric"].isin(ind.metrics) & (results["group"] == ind.group)]
    if len(ind.metrics) == 1:
        return sel
    keys = ["scenario", "replicate", "date"]
    summed = sel.groupby(keys, observed=True, sort=False)["value"]
    counts = summed.count()
    total = summed.sum()[counts == len(ind.metrics)]  # every part recorded, else no value
    return total.reset_index()


def _check_indicators(results: pd.DataFrame, indicators: Sequence[Indicator]) -> None:
    """Every indicator's metrics are in the results, in its group (ValueError naming them)."""
    if results.empty:
        return
    have = results[["metric", "group"]].drop_duplicates().astype(str)
    pairs = set(zip(have["metric"], have["group"], strict=True))
    for ind in indicators:
        missing = [m for m in ind.metrics if (m, ind.group) not in pairs]
        if missing:
            groups = sorted(have.loc[have["metric"] == missing[0], "group"])
            where = (
                f"its groups: {', '.join(groups)}" if groups
                else "not recorded (see --metrics of 'aiadopt experiment')"
            )  # fmt: skip
            raise ValueError(
                f"indicator {ind.name}: {missing[0]} in group {ind.group} is not in the results "
                f"({where})"
            )


def check_months(results: pd.DataFrame, months: Sequence[str]) -> None:
    """Every month is within the results (ValueError naming their first and last)."""
    if results.empty:
        return
    first, last = (pd.Timestamp(results["date"].agg(f)).strftime("%Y-%m") for f in ("min", "max"))
    bad = [m for m in months if not (_MONTH.match(str(m)) and first <= str(m) <= last)]
    if bad:
        raise ValueError(f"month {bad[0]} is not in the results: give months {first} to {last}")


def _scenario_order(results: pd.DataFrame) -> list[str]:
    col = results["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.astype(str).unique())
        return [str(c) for c in col.cat.categories if c in present]
    return list(dict.fromkeys(col.astype(str)))


def _value(x: float, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit == "value":
        return f"{x:.4g}"
    return f"{100 * x:.1f}%" if unit == "share" else f"{x:+.2f}%"


def _diff(x: float, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit == "value":
        return f"{x:+.4g}"
    return f"{100 * x:+.2f}" if unit == "share" else f"{x:+.3f}"


def _percent(p: float) -> str:
    return "n/a" if p is None or (isinstance(p, float) and math.isnan(p)) else f"{100 * p:.0f}%"


def format_summary(summary: pd.DataFrame, indicators: Sequence[Indicator] = INDICATORS) -> str:
    """The summary table as aligned text: one block per indicator and month."""
    if summary.empty:
        return "(no finished run to summarise)"
    units = {ind.name: ind for ind in indicators}
    blocks = []
    for (name, month), block in summary.groupby(["indicator", "month"], sort=False):
        ind = units.get(name) or indicator(str(name))
        ref = block["reference"].iloc[0]
        pts = {"share": "points", "percent": "points of %"}.get(ind.unit, "units")
        head = (
            f"{ind.label} ({ind.metric}, {ind.group} firms), {month}; difference to {ref} in {pts}"
        )
        table = [
            ("scenario", "n", "mean", "95% CI", f"- {ref}", "paired 95% CI", "predictive 5-95%",
             "P(raises)", "unpaired 95% CI")
        ]  # fmt: skip
        for r in block.itertuples(index=False):
            ci = f"[{_value(r.ci_low, ind.unit)}, {_value(r.ci_high, ind.unit)}]"
            if r.scenario == ref:
                diff = paired = ppi = raises = unpaired = "-"
            else:
                diff = _diff(r.diff, ind.unit)
                paired = f"[{_diff(r.diff_ci_low, ind.unit)}, {_diff(r.diff_ci_high, ind.unit)}]"
                ppi = f"[{_diff(r.effect_ppi_05, ind.unit)}, {_diff(r.effect_ppi_95, ind.unit)}]"
                raises = _percent(getattr(r, "p_effect_positive", math.nan))
                unpaired = (
                    f"[{_diff(r.unpaired_ci_low, ind.unit)}, {_diff(r.unpaired_ci_high, ind.unit)}]"
                )
            table.append(
                (str(r.scenario), str(r.n), _value(r.mean, ind.unit), ci, diff, paired, ppi,
                 raises, unpaired)
            )  # fmt: skip
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        lines = [head]
        for j, row in enumerate(table):
            cells = [row[0].ljust(widths[0])]
            cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells).rstrip())
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        blocks.append("\n".join(lines))
    blocks.append(
        "paired 95% CI: of the mean effect over the replicates; predictive 5-95%: the 5% and "
        "95% quantiles of the\nreplicates' own effects (each with its parameter draw and seed: "
        "the posterior-predictive interval of the effect);\nP(raises): the share of the "
        "replicates whose own effect is above 0 (p_effect_positive in summary.csv)"
    )
    return "\n\n".join(blocks)
