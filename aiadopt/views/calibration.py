"""The calibration's report for a person (issue 13, points 5, 7 and 9): what ``aiadopt
calibrate`` found, read from the files it wrote into its folder, as one Markdown page and four
figures.

- ``calibration_report.md``: the headline (the share of calibration figures inside their 90%
  posterior-predictive interval, the issue's acceptance measure), validation apart with its
  log scores against the prior predictive and the naive baseline, the sampler's diagnostics,
  every figure against its interval (misses first), the identifiability summary and the
  levers' labels;
- ``fit_checks.png/.svg``: every figure of the study against its 90% posterior-predictive
  interval, calibration and validation in separate panels, misses in red;
- ``identifiability.png/.svg``: each sampled parameter's prior and posterior 90% intervals on
  the prior's scale, with its contraction, the levers' drivers marked;
- ``pairs.png/.svg``: the posterior draws of the six most correlated pairs of parameters;
- ``sampler.png/.svg``: R-hat and effective sample size of every sampled dimension.

Only files are read (:func:`load_calibration`): a folder written by any calibration, today's
or an older one copied elsewhere, gives the same report.  Every output is written through
:func:`aiadopt.files.staged`: all of them or none.

From Python::

    from aiadopt.views.calibration import write_calibration_report
    print(write_calibration_report("fit/").summary())
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from ..calibration.checks import LEVEL
from ..calibration.design import ParameterSpace
from ..calibration.pipeline import informed_floor
from ..calibration.posterior import LEVER_DRIVERS, POSTERIOR_FILE
from ..calibration.priors import load_priors
from ..files import __version__, staged
from .save import figure_bytes
from .style import PALETTE, canvas, style

__all__ = [
    "ACCEPTANCE_INSIDE",
    "CALIBRATION_FIGURES",
    "REPORT_FILE",
    "CalibrationData",
    "CalibrationReport",
    "CalibrationViewError",
    "fit_report_text",
    "headline_share",
    "load_calibration",
    "plot_fit_checks",
    "plot_identifiability",
    "plot_pairs",
    "plot_sampler",
    "write_calibration_report",
]

REPORT_FILE = "calibration_report.md"
"""The Markdown report, written into the calibration folder."""

CALIBRATION_FIGURES: dict[str, str] = {
    "fit_checks": "every figure of the study against its 90% posterior-predictive interval",
    "identifiability": "prior against posterior 90% interval of every sampled parameter",
    "pairs": "posterior draws of the six most correlated pairs of parameters",
    "sampler": "R-hat and effective sample size of every sampled dimension",
}
"""The figures of the report, by file name (without suffix)."""

ACCEPTANCE_INSIDE = 0.9
"""Issue 13's acceptance: at least 90% of calibration figures inside their 90% interval."""

ESS_REQUIRED = 1000.0
"""Issue 13, point 4: at least 1,000 effective posterior draws."""

RHAT_GOOD = 1.01
"""R-hat below which chains agree (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021)."""

PAIRS = 6
"""How many of the strongest posterior correlations ``pairs.png`` draws."""

_Z90 = 1.6448536269514722  # the standard normal's 95th percentile

_COLUMNS: dict[str, tuple[str, ...]] = {
    "fit_checks.csv": ("id", "kind", "use", "observed", "ppi_05", "ppi_95", "median",
                       "p_statement_true", "percentile", "inside_90", "log_score"),
    "identifiability.csv": ("parameter", "sampled", "prior_median", "prior_05", "prior_95",
                            "posterior_median", "posterior_05", "posterior_95", "contraction",
                            "label"),
    "correlations.csv": ("a", "b", "correlation"),
    "levers.csv": ("lever", "drivers", "contractions", "label"),
}  # fmt: skip
"""The files a report needs and the columns it reads in each."""

_STATEMENTS = ("bound", "ordering")
"""Kinds of figure that are statements (true or false in the study), shown as P(true)."""


class CalibrationViewError(ValueError):
    """A calibration folder cannot be reported (one line naming the file and what is wrong)."""


@dataclass(eq=False)
class CalibrationData:
    """What a calibration folder holds, read (:func:`load_calibration`)."""

    folder: Path
    checks: pd.DataFrame
    summary: dict[str, float]
    identifiability: pd.DataFrame
    correlations: pd.DataFrame
    levers: pd.DataFrame
    sampler: dict[str, Any]
    posterior: pd.DataFrame

    @property
    def meta(self) -> dict[str, Any]:
        """The figures' footer: version, seed, runs and draws."""
        settings = self.sampler.get("settings", {})
        note = f"{self.sampler.get('runs', '?')} model runs, {len(self.posterior)} posterior draws"
        return {"version": __version__, "seed": settings.get("seed"), "note": note}


def _read_csv(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        raise CalibrationViewError(f"{path}: missing; a calibration folder (aiadopt calibrate "
                                   f"--out) holds {name}")  # fmt: skip
    try:
        table = pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise CalibrationViewError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in _COLUMNS.get(name, ()) if c not in table.columns]
    if missing:
        raise CalibrationViewError(f"{path}: missing column(s) {', '.join(missing)}")
    return table


def _read_json(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    if not path.is_file():
        raise CalibrationViewError(f"{path}: missing; a calibration folder (aiadopt calibrate "
                                   f"--out) holds {name}")  # fmt: skip
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise CalibrationViewError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CalibrationViewError(f"{path}: must hold a JSON object")
    return data


def _as_bool(values: pd.Series) -> pd.Series:
    """A column of True/False read from a CSV (bools, or the strings pandas left)."""
    if values.dtype == bool:
        return values
    return values.astype(str).str.strip().str.lower().isin(("true", "1", "1.0"))


def load_calibration(folder: str | os.PathLike[str]) -> CalibrationData:
    """Read a calibration folder (:mod:`aiadopt.calibration.pipeline` writes it).

    Raises:
        CalibrationViewError: the folder, or a file the report needs, is missing or malformed;
            the message names the file.
    """
    where = Path(folder)
    if not where.is_dir():
        raise CalibrationViewError(f"{where}: not a calibration folder (aiadopt calibrate --out)")
    checks = _read_csv(where, "fit_checks.csv")
    checks["inside_90"] = _as_bool(checks["inside_90"])
    ident = _read_csv(where, "identifiability.csv")
    ident["sampled"] = _as_bool(ident["sampled"])
    sampler = _read_json(where, "sampler.json")
    if "diagnostics" not in sampler:
        raise CalibrationViewError(f"{where / 'sampler.json'}: missing key diagnostics")
    return CalibrationData(
        folder=where,
        checks=checks,
        summary=_read_json(where, "fit_summary.json"),
        identifiability=ident,
        correlations=_read_csv(where, "correlations.csv"),
        levers=_read_csv(where, "levers.csv"),
        sampler=sampler,
        posterior=_read_csv(where, POSTERIOR_FILE),
    )


# ---------------------------------------------------------------- the Markdown report


def headline_share(checks: pd.DataFrame) -> float:
    """The share of calibration figures inside their 90% posterior-predictive interval (the
    issue's acceptance measure), counted from the checks' rows."""
    calibration = checks[checks["use"] == "calibration"]
    return float(calibration["inside_90"].mean()) if len(calibration) else float("nan")


def _pct(x: float, decimals: int = 0) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.{decimals}f}%"


def _num(x: Any, fmt: str = ".1f") -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "n/a"
    return f"{v:{fmt}}" if math.isfinite(v) else "n/a"


def _is_share(kind: str) -> bool:
    return kind != "mean"


def _value(x: float, kind: str) -> str:
    """A figure's value as the study prints it: a share in percent, a mean gain in points."""
    if not math.isfinite(x):
        return ""
    return f"{100 * x:.1f}%" if _is_share(kind) else f"{x:.1f}"


def _cell(text: Any) -> str:
    """Text safe in a Markdown table cell (a conditional figure's id holds a ``|``)."""
    return str(text).replace("|", "\\|")


def _miss_line(row: Mapping[str, Any]) -> str:
    """Where a figure outside its interval falls: the model below or above the study."""
    kind = str(row["kind"])
    if kind in _STATEMENTS:
        return (f"- `{row['id']}` ({row['use']}, {kind}): true in the study, true in "
                f"{_pct(float(row['p_statement_true']), 1)} of the model's draws.")  # fmt: skip
    side = "below" if float(row["percentile"]) > 0.5 else "above"
    return (f"- `{row['id']}` ({row['use']}, {kind}): study {_value(float(row['observed']), kind)}"
            f", model {_value(float(row['ppi_05']), kind)} - {_value(float(row['ppi_95']), kind)}"
            f" (median {_value(float(row['median']), kind)}): the model is {side} the study "
            f"(percentile {_percentile_text(float(row['percentile']))}).")  # fmt: skip


def _misses_lines(checks: pd.DataFrame) -> list[str]:
    misses = checks[~checks["inside_90"]]
    lines = ["## Misses", ""]
    if not len(misses):
        return [*lines, f"None: every figure is inside its {LEVEL:.0%} interval."]
    return lines + [_miss_line(row) for row in misses.to_dict("records")]


def _check_row(row: Mapping[str, Any]) -> str:
    kind = str(row["kind"])
    inside = "yes" if row["inside_90"] else "**NO**"
    if kind in _STATEMENTS:
        study = "true"
        interval = f"P(true) = {_num(row['p_statement_true'], '.2f')}"
        median = percentile = ""
    else:
        study = _value(float(row["observed"]), kind)
        interval = f"{_value(float(row['ppi_05']), kind)} - {_value(float(row['ppi_95']), kind)}"
        median = _value(float(row["median"]), kind)
        percentile = _percentile_text(float(row["percentile"]))
    return (f"| {_cell(row['id'])} | {row['use']} | {kind} | {study} | {interval} | {median} "
            f"| {percentile} | {inside} | {_num(row['log_score'], '.2f')} |")  # fmt: skip


def _headline_lines(data: CalibrationData) -> list[str]:
    checks = data.checks
    cal = checks[checks["use"] == "calibration"]
    val = checks[checks["use"] == "validation"]
    share = headline_share(checks)
    verdict = "meets" if share >= ACCEPTANCE_INSIDE else "falls short of"
    s = data.summary
    lines = [
        f"**{_pct(share)} of calibration figures inside their {LEVEL:.0%} posterior-predictive "
        f"interval** ({int(cal['inside_90'].sum())} of {len(cal)}); this {verdict} issue 13's "
        f"acceptance of at least {ACCEPTANCE_INSIDE:.0%}.",
        "",
        "## Validation (held out, never fitted)",
        "",
        f"- {_pct(float(val['inside_90'].mean()) if len(val) else float('nan'))} of the "
        f"{len(val)} validation figures inside their {LEVEL:.0%} interval.",
        f"- Log score (log predictive density, higher is better): "
        f"{_num(s.get('validation_log_score'))} under the posterior against "
        f"{_num(s.get('validation_log_score_prior'))} under the prior predictive (the model "
        "before the data).",
    ]
    if s.get("validation_naive_figures"):
        ours = float(s.get("validation_log_score_on_naive_figures", float("nan")))
        naive = float(s.get("validation_log_score_naive", float("nan")))
        better = "better" if ours > naive else "worse"
        lines.append(
            f"- On the {int(s['validation_naive_figures'])} figures with a naive baseline (copy "
            f"the closest calibration figure of the same question): {_num(ours)} against "
            f"{_num(naive)} for the naive copy: the model does {better} by "
            f"{_num(abs(ours - naive))} nats."
        )
    lines.append(
        f"- Calibration log score {_num(s.get('calibration_log_score'))} (prior predictive "
        f"{_num(s.get('calibration_log_score_prior'))})."
    )
    return lines


def _sampler_lines(data: CalibrationData, seconds: float | None) -> list[str]:
    d = data.sampler["diagnostics"]
    settings = data.sampler.get("settings", {})
    rhat = float(d.get("max_rhat", float("nan")))
    ess = float(d.get("min_ess_bulk", float("nan")))
    enough = "at least" if ess >= ESS_REQUIRED else "**below**"
    lines = [
        "## Sampler",
        "",
        f"- Max R-hat {_num(rhat, '.3f')} ({'below' if rhat < RHAT_GOOD else '**above**'} "
        f"{RHAT_GOOD}); min bulk ESS {_num(ess, '.0f')}, min tail ESS "
        f"{_num(d.get('min_ess_tail'), '.0f')} ({enough}"
        f" the {ESS_REQUIRED:.0f} effective draws issue 13 asks for); max autocorrelation "
        f"time {_num(d.get('max_tau'), '.1f')} steps.",
        f"- {len(data.sampler.get('active', []))} parameters sampled (those the screen found "
        f"the data move, and the levers' drivers) and "
        f"{len(data.sampler.get('nuisance', []))} nuisances of the measurement models "
        f"({', '.join(data.sampler.get('nuisance', [])) or 'none'}): "
        f"{len(d.get('per_dimension', {}))} dimensions.",
        f"- {data.sampler.get('runs', 'n/a')} model runs "
        f"({settings.get('n_firms', '?')} firms each), emulator trained on "
        f"{data.sampler.get('emulator_train', 'n/a')}; {len(data.posterior)} posterior draws; "
        f"seed {settings.get('seed', 'n/a')}.",
    ]
    placebo = data.sampler.get("placebo_contraction", [])
    if placebo:
        lines.append(
            f"- Placebo check: {len(placebo)} coordinates of pure noise, which the model never "
            "reads, were emulated and sampled with the parameters; their contraction ("
            + ", ".join(f"{c:.2f}" for c in placebo) + ") is what the emulated likelihood "
            "alone gives a parameter the data cannot inform (0 if it were as flat as the "
            "model's). A parameter is called data-informed only above it.")  # fmt: skip
    if seconds is not None:
        lines.append(f"- Time: {seconds / 60:.1f} min.")
    return lines


def _informed_floor(data: CalibrationData) -> float:
    """The contraction from which a parameter of this calibration is data-informed."""
    return informed_floor(data.sampler.get("placebo_contraction", []))


def _table_lines(checks: pd.DataFrame) -> list[str]:
    misses = checks[~checks["inside_90"]]
    ordered = pd.concat([misses, checks[checks["inside_90"]]])
    lines = ["## Every figure", ""]
    if len(misses):
        lines.append(f"{len(misses)} outside their interval, listed first: "
                     f"{', '.join(misses['id'])}.")  # fmt: skip
    else:
        lines.append("Every figure is inside its interval.")
    lines += [
        "",
        "Shares in percent, mean gains in points. A statement (bound or ordering) holds in the "
        "study; it is inside when the model makes it true with probability at least 5%. The "
        "percentile is the study's figure's rank among the posterior-predictive draws.",
        "",
        "| figure | use | kind | study | 90% interval | median | percentile | inside "
        "| log score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [_check_row(row) for row in ordered.to_dict("records")]
    return lines


def _identifiability_lines(data: CalibrationData) -> list[str]:
    ident = data.identifiability
    sampled = ident[ident["sampled"]]
    informed = ident[ident["label"] == "data-informed"].sort_values("contraction",
                                                                    ascending=False)
    lines = [
        "## Identifiability",
        "",
        f"- {len(ident)} parameters; {len(sampled)} sampled (the screen's and the levers' "
        f"drivers), the others kept at their priors.",
        f"- {len(informed)} data-informed (the data shrink the prior variance by at least "
        f"{_informed_floor(data):.0%}, and the screen found the figures move with it); the "
        f"other {len(ident) - len(informed)} are prior-driven: "
        "their answer is their prior.",
    ]
    if len(informed):
        lines.append("- Data-informed: " + ", ".join(
            f"{p} ({c:.2f})" for p, c in zip(informed["parameter"], informed["contraction"],
                                             strict=True)) + ".")  # fmt: skip
    lines += ["", "| lever | label | drivers (contraction) |", "|---|---|---|"]
    for row in data.levers.to_dict("records"):
        drivers = str(row["drivers"]).split(", ")
        contr = str(row["contractions"]).split(", ")
        pairs = ", ".join(f"{d} ({c})" for d, c in zip(drivers, contr, strict=False))
        lines.append(f"| {row['lever']} | {row['label']} | {pairs} |")
    corr = _strongest(data.correlations, PAIRS)
    if len(corr):
        lines += ["", "Strongest posterior correlations (sampler's scale): " + "; ".join(
            f"{a} ~ {b} {r:+.2f}" for a, b, r in zip(corr["a"], corr["b"], corr["correlation"],
                                                     strict=True)) + "."]  # fmt: skip
    return lines


def fit_report_text(data: CalibrationData, seconds: float | None = None,
                    figures: Sequence[str] = ()) -> str:  # fmt: skip
    """The Markdown report of a calibration folder (module doc); ``seconds``: how long the
    calibration took, if known; ``figures``: the figure files to link."""
    lines = [f"# Calibration fit report: {data.folder}", ""]
    lines += _headline_lines(data)
    lines += ["", *_misses_lines(data.checks), ""]
    lines += [*_sampler_lines(data, seconds), ""]
    lines += _identifiability_lines(data)
    lines += ["", *_table_lines(data.checks)]
    if figures:
        lines += ["", "## Figures", ""]
        lines += [f"- [{name}]({name}): {CALIBRATION_FIGURES.get(Path(name).stem, '')}"
                  for name in figures]  # fmt: skip
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the figures

_LABEL_SIZE = 8.0
_ROW_IN = 0.19  # height per row of fit_checks and identifiability, inches


def _panels_of(checks: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(use, panel, rows) of :func:`plot_fit_checks` in drawing order; panel is ``share``,
    ``mean`` or ``statement``."""
    panel = np.where(checks["kind"].isin(_STATEMENTS), "statement",
                     np.where(checks["kind"] == "mean", "mean", "share"))  # fmt: skip
    out = []
    for use in ("calibration", "validation"):
        for name in ("share", "mean", "statement"):
            rows = checks[(checks["use"] == use) & (panel == name)]
            if len(rows):
                out.append((use, name, rows))
    return out


def _split(sizes: Sequence[int]) -> int:
    """Where to cut the panels into two columns of about equal height."""
    total = sum(sizes)
    best, cut = math.inf, len(sizes)
    for k in range(1, len(sizes) + 1):
        left = sum(sizes[:k])
        worst = max(left, total - left)
        if worst < best:
            best, cut = worst, k
    return cut


_PANEL_TITLES = {
    "share": "shares (%)",
    "mean": "mean gains (points)",
    "statement": "statements, P(true)",
}


def _percentile_text(p: float) -> str:
    """A percentile in whole percents, with a decimal in the tails (99.7, not 100)."""
    return f"{100 * p:.1f}" if p < 0.01 or p > 0.99 else f"{100 * p:.0f}"


def _draw_checks(ax, rows: pd.DataFrame, panel: str, use: str) -> None:
    n = len(rows)
    ys = np.arange(n)
    f = 100.0 if panel == "share" else 1.0
    for y, row in zip(ys, rows.to_dict("records"), strict=True):
        miss = not row["inside_90"]
        if miss:
            ax.axhspan(y - 0.5, y + 0.5, color=PALETTE["miss_row"], zorder=0, lw=0)
        elif y % 2 == 1:
            ax.axhspan(y - 0.5, y + 0.5, color=PALETTE["stripe"], zorder=0, lw=0)
        colour = PALETTE["miss"] if miss else PALETTE["model"]
        if panel == "statement":
            p = float(row["p_statement_true"])
            ax.barh(y, p, left=0.0, height=0.55, color=colour, alpha=0.8, lw=0, zorder=2)
            continue
        lo, hi, med = (float(row[k]) * f for k in ("ppi_05", "ppi_95", "median"))
        ax.barh(y, hi - lo, left=lo, height=0.55, color=colour, alpha=0.35, lw=0, zorder=2)
        ax.plot([med, med], [y - 0.27, y + 0.27], color=colour, lw=1.6, zorder=3)
        ax.plot(float(row["observed"]) * f, y, "o", ms=5.5, mfc=PALETTE["study_value"],
                mec="white", mew=0.6, zorder=4, clip_on=False)  # fmt: skip
        if miss:
            ax.annotate(f"pct {_percentile_text(float(row['percentile']))}", (1.0, y),
                        xycoords=("axes fraction", "data"), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7.5,
                        color=PALETTE["miss_text"])  # fmt: skip
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(ys, list(rows["id"]))
    ax.tick_params(axis="y", length=0, labelsize=_LABEL_SIZE)
    for tick, inside in zip(ax.get_yticklabels(), rows["inside_90"], strict=True):
        if not inside:
            tick.set_color(PALETTE["miss_text"])
            tick.set_fontweight("bold")
    ax.grid(axis="x", color=PALETTE["grid"], lw=0.6, zorder=1)
    misses = int((~rows["inside_90"]).sum())
    ax.set_title(f"{use.upper()}: {_PANEL_TITLES[panel]}, {n - misses} of {n} inside",
                 fontsize=10, color=PALETTE["miss_text"] if misses else "black")  # fmt: skip
    if panel == "share":
        ax.set_xlim(0, 100)
    elif panel == "statement":
        ax.set_xlim(0, 1)
        threshold = (1 - LEVEL) / 2  # inside when the model makes it true this often
        ax.axvspan(0, threshold, color=PALETTE["miss_row"], zorder=0, lw=0)
        ax.axvline(threshold, color=PALETTE["miss"], lw=1.0, ls="--", zorder=3)
    else:
        top = np.nanmax(rows[["observed", "ppi_95"]].to_numpy(dtype=float))
        ax.set_xlim(0, top * 1.08 if math.isfinite(top) and top > 0 else 1)


def plot_fit_checks(data: CalibrationData):
    """Every figure of the study against its 90% posterior-predictive interval (module doc):
    one row per figure, the study's figure a dark dot, the interval a bar with the median as
    a tick (green inside, red outside); statements as the probability that the model makes
    them true (inside above 5%, the dashed line).  Calibration and validation panels apart,
    in two columns of about equal height."""
    panels = _panels_of(data.checks)
    sizes = [len(rows) + 3 for _, _, rows in panels]
    cut = _split(sizes)
    columns = [panels[:cut], panels[cut:]] if cut < len(panels) else [panels]
    height = max(sum(len(r) + 3 for _, _, r in col) for col in columns) * _ROW_IN + 1.6
    share = headline_share(data.checks)
    cal = data.checks[data.checks["use"] == "calibration"]
    title = (f"{_pct(share)} of calibration figures inside their {LEVEL:.0%} "
             "posterior-predictive interval")  # fmt: skip
    subtitle = (
        f"{int(cal['inside_90'].sum())} of {len(cal)} calibration figures; validation (held "
        "out) apart. Dark dot: the study's figure; bar: the model's 90% posterior-predictive "
        "interval (tick: median), green inside, red outside (with the study's percentile). "
        "Statements (bounds, orderings) are true in the study: bar = P(true) under the model."
    )
    with style():
        fig, body = canvas(7.8 * len(columns), height + 1.2, title, subtitle, data.meta)
        subs = body.subfigures(1, len(columns), wspace=0.02) if len(columns) > 1 else [body]
        for sub, col in zip(np.atleast_1d(subs), columns, strict=True):
            axes = sub.subplots(len(col), 1, squeeze=False,
                                height_ratios=[len(r) + 2 for _, _, r in col])[:, 0]  # fmt: skip
            for ax, (use, panel, rows) in zip(axes, col, strict=True):
                _draw_checks(ax, rows, panel, use)
    return fig


def _transform(lo: float, mid: float, hi: float) -> Callable[[np.ndarray], np.ndarray]:
    """The transform under which a prior's 5th, 50th and 95th percentiles are most nearly
    symmetric: identity (a normal prior), log (a lognormal) or logit (a share)."""
    candidates: list[Callable[[np.ndarray], np.ndarray]] = [lambda x: np.asarray(x, float)]
    if lo > 0:
        candidates.append(lambda x: np.log(np.clip(np.asarray(x, float), 1e-300, None)))
    if lo > 0 and hi < 1:
        candidates.append(lambda x: np.log(np.clip(np.asarray(x, float), 1e-12, 1 - 1e-12))
                          - np.log1p(-np.clip(np.asarray(x, float), 1e-12, 1 - 1e-12)))
    best, pick = math.inf, candidates[0]
    for t in candidates:
        a, m, b = (float(t(np.array([v]))[0]) for v in (lo, mid, hi))
        if not b > a:
            continue
        asym = abs((b - m) - (m - a)) / (b - a)
        if asym < best - 1e-9:
            best, pick = asym, t
    return pick


def prior_scale(row: Mapping[str, Any], values: Sequence[float]) -> np.ndarray:
    """``values`` of a parameter on its prior's scale: its prior's 90% interval is [-1, 1] and
    its median 0 (piecewise linear between the percentiles, after :func:`_transform`): exact
    for normal and lognormal priors, close for the others."""
    lo, mid, hi = float(row["prior_05"]), float(row["prior_median"]), float(row["prior_95"])
    t = _transform(lo, mid, hi)
    a, m, b = (float(t(np.array([v]))[0]) for v in (lo, mid, hi))
    x = t(np.asarray(values, dtype=float))
    below = (x - m) / (m - a) if m > a else np.zeros_like(x)
    above = (x - m) / (b - m) if b > m else np.zeros_like(x)
    return np.where(x < m, below, above)


Scale = Callable[[Sequence[float]], np.ndarray]


def prior_scales(ident: pd.DataFrame) -> tuple[dict[str, Scale], int]:
    """For each parameter of ``ident`` (``identifiability.csv``), the map of its values to its
    prior's scale (the 90% prior interval is [-1, 1]): exact (``z / 1.645``, ``z`` the prior's
    normal coordinate, :class:`~aiadopt.calibration.design.ParameterSpace`) when the row's
    prior interval is the packaged prior's, else :func:`prior_scale`'s approximation.  Returns
    the maps and how many are approximate."""
    space = ParameterSpace.of(load_priors())
    index = {name: j for j, name in enumerate(space.names)}
    out: dict[str, Scale] = {}
    approximate = 0
    for row in ident.to_dict("records"):
        name = str(row["parameter"])
        j = index.get(name)
        same = j is not None and np.allclose(space.priors[j].interval(0.9),
                                             (row["prior_05"], row["prior_95"]),
                                             rtol=1e-4, atol=1e-12)  # fmt: skip
        if same:
            out[name] = (lambda v, j=j: space.to_z(np.asarray(v, float)[:, None], [j])[:, 0]
                         / _Z90)  # fmt: skip
        else:
            out[name] = lambda v, row=row: prior_scale(row, v)
            approximate += 1
    return out, approximate


def _drivers() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lever, names in LEVER_DRIVERS.items():
        for name in names:
            out.setdefault(name, []).append(lever)
    return out


def _approx_note(approximate: int) -> str:
    if not approximate:
        return ""
    return (f"; {approximate} not packaged priors placed approximately, from their 5th, 50th "
            "and 95th percentiles")


def plot_identifiability(data: CalibrationData):
    """Each sampled parameter's prior 90% interval (grey, [-1, 1] on the prior's scale:
    :func:`prior_scale`) against its posterior 90% interval and median, ordered by
    contraction (``1 - posterior / prior variance`` on the prior's normal scale, the bars on
    the right; data-informed from the dashed line), the levers' drivers marked."""
    ident = data.identifiability
    rows = ident[ident["sampled"]].sort_values("contraction", ascending=False)
    drivers = _drivers()
    n = len(rows)
    scales, approximate = prior_scales(rows)
    informed = int((rows["label"] == "data-informed").sum())
    title = f"{informed} of {n} sampled parameters informed by the data"
    subtitle = (
        f"Left: prior 90% interval (grey band, -1 to 1) against the posterior's (bar, dot: "
        f"median) on the prior's normal scale (median 0{_approx_note(approximate)}). Right: "
        f"contraction of the variance; data-informed (green) from {_informed_floor(data):.0%} "
        "(dashed; 20% or the placebo's contraction if larger) when the screen also found the "
        "figures move with it (grey: not). "
        "◆ a lever's driver (its levers in purple). The "
        f"{len(ident) - n} parameters not sampled keep their priors."
    )
    with style():
        fig, body = canvas(11.0, max(4.0, n * _ROW_IN + 2.4), title, subtitle, data.meta)
        ax, bx = body.subplots(1, 2, sharey=True, width_ratios=[3, 2])
        ys = np.arange(n)
        labels = []
        for y, row in zip(ys, rows.to_dict("records"), strict=True):
            good = row["label"] == "data-informed"
            colour = PALETTE["model"] if good else PALETTE["muted"]
            if y % 2 == 1:
                for a in (ax, bx):
                    a.axhspan(y - 0.5, y + 0.5, color=PALETTE["stripe"], zorder=0, lw=0)
            ax.barh(y, 2.0, left=-1.0, height=0.7, color="0.85", lw=0, zorder=1)
            lo, med, hi = scales[str(row["parameter"])](
                [row["posterior_05"], row["posterior_median"], row["posterior_95"]])
            ax.plot([lo, hi], [y, y], color=colour, lw=2.4, solid_capstyle="butt", zorder=3)
            ax.plot(med, y, "o", ms=4.5, color=colour, zorder=4)
            bx.barh(y, row["contraction"], height=0.6, color=colour, lw=0, zorder=2)
            name = str(row["parameter"])
            if name in drivers:
                bx.annotate(", ".join(drivers[name]), (1.0, y), xycoords=("axes fraction", "data"),
                            xytext=(-3, 0), textcoords="offset points", ha="right",
                            va="center", fontsize=6.5, color=ROLE_DRIVER,
                            bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 0.5})
                name = f"◆ {name}"
            labels.append(name)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(ys, labels)
        ax.tick_params(axis="y", length=0, labelsize=_LABEL_SIZE)
        for tick, name in zip(ax.get_yticklabels(), rows["parameter"], strict=True):
            if name in drivers:
                tick.set_color(ROLE_DRIVER)
        ax.axvline(0, color=PALETTE["zero"], lw=0.8, zorder=2)
        ax.set_xlim(-2.2, 2.2)
        ax.set_xlabel("value on the prior's scale (prior 90%: -1 to 1)")
        ax.grid(axis="x", color=PALETTE["grid"], lw=0.6, zorder=1)
        low = min(0.0, float(rows["contraction"].min()) if n else 0.0)
        bx.set_xlim(low - 0.05, 1.0)
        bx.axvline(_informed_floor(data), color=PALETTE["model"], ls="--", lw=1.0, zorder=3)
        bx.axvline(0, color=PALETTE["zero"], lw=0.8, zorder=3)
        bx.set_xlabel("contraction of the variance")
        bx.grid(axis="x", color=PALETTE["grid"], lw=0.6, zorder=1)
        bx.tick_params(axis="y", length=0)
    return fig


ROLE_DRIVER = "#5e3c99"
"""Colour of a lever's driver in :func:`plot_identifiability`."""


def _strongest(corr: pd.DataFrame, k: int) -> pd.DataFrame:
    order = corr["correlation"].abs().sort_values(ascending=False).index
    return corr.loc[order].head(k)


def _log_like(ident: pd.DataFrame, name: str) -> bool:
    """Whether a parameter's prior is best read on a log axis (lognormal-like)."""
    if name not in set(ident["parameter"]):
        return False
    row = ident.set_index("parameter").loc[name]
    lo, mid, hi = float(row["prior_05"]), float(row["prior_median"]), float(row["prior_95"])
    if not lo > 0:
        return False
    linear = abs((hi - mid) - (mid - lo)) / (hi - lo)
    logged = abs(math.log(hi / mid) - math.log(mid / lo)) / math.log(hi / lo)
    return logged < linear and hi / lo > 10


def plot_pairs(data: CalibrationData, k: int = PAIRS):
    """Posterior draws of the ``k`` most correlated pairs of parameters (``correlations.csv``,
    correlation on the sampler's scale), one panel each, the prior 90% interval dotted."""
    corr = _strongest(data.correlations, k)
    corr = corr[corr["a"].isin(data.posterior.columns) & corr["b"].isin(data.posterior.columns)]
    cols = 3
    nrows = max(1, math.ceil(len(corr) / cols))
    ident = data.identifiability.set_index("parameter")
    drivers = _drivers()
    title = (f"The {len(corr)} strongest posterior correlations" if len(corr)
             else "No posterior correlation to show (correlations.csv is empty)")  # fmt: skip
    subtitle = (f"Each dot a posterior draw ({len(data.posterior)}); r: correlation on the "
                "sampler's scale; dotted: the prior's 90% interval; ◆ a lever's driver.")
    with style():
        fig, body = canvas(11.0, 3.3 * nrows + 1.2, title, subtitle, data.meta)
        axes = np.atleast_1d(body.subplots(nrows, cols, squeeze=False)).ravel()
        for ax, row in zip(axes, corr.to_dict("records"), strict=False):
            a, b = row["a"], row["b"]
            ax.scatter(data.posterior[a], data.posterior[b], s=5, alpha=0.35, lw=0,
                       color=PALETTE["model"], rasterized=True)  # fmt: skip
            for name, line in ((a, ax.axvline), (b, ax.axhline)):
                if name in ident.index:
                    for q in ("prior_05", "prior_95"):
                        line(float(ident.loc[name, q]), color=PALETTE["muted"], lw=0.8, ls=":")
            if _log_like(data.identifiability, a):
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(NullFormatter())  # 2x10^0 3x10^0 ... overlapped
            if _log_like(data.identifiability, b):
                ax.set_yscale("log")
                ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel(f"◆ {a}" if a in drivers else a, fontsize=9)
            ax.set_ylabel(f"◆ {b}" if b in drivers else b, fontsize=9)
            ax.set_title(f"r = {row['correlation']:+.2f}", fontsize=10)
            ax.tick_params(labelsize=8)
        for ax in axes[len(corr):]:
            ax.set_axis_off()
    return fig


def plot_sampler(data: CalibrationData):
    """R-hat and bulk/tail effective sample size of every sampled dimension (``sampler.json``),
    with R-hat's 1.01 and the issue's 1,000 effective draws marked."""
    from matplotlib.patches import Patch

    per = pd.DataFrame(data.sampler["diagnostics"].get("per_dimension", {})).T
    for c in ("rhat", "ess_bulk", "ess_tail"):
        if c not in per.columns:
            per[c] = np.nan
    per = per.sort_values("rhat", ascending=False)
    n = len(per)
    d = data.sampler["diagnostics"]
    title = (f"Sampler: max R-hat {_num(d.get('max_rhat'), '.3f')}, "
             f"min bulk ESS {_num(d.get('min_ess_bulk'), '.0f')}")  # fmt: skip
    subtitle = (f"{n} sampled dimensions, worst R-hat first. Dashed: R-hat {RHAT_GOOD} and "
                f"the {ESS_REQUIRED:,.0f} effective draws issue 13 asks for.")  # fmt: skip
    with style():
        fig, body = canvas(10.0, max(3.5, n * 0.16 + 2.2), title, subtitle, data.meta)
        ax, bx = body.subplots(1, 2, sharey=True)
        ys = np.arange(n)
        rhat = per["rhat"].astype(float).to_numpy()
        bad = rhat >= RHAT_GOOD
        ax.barh(ys, rhat - 1.0, left=1.0, height=0.7, lw=0,
                color=np.where(bad, PALETTE["miss"], PALETTE["model"]))  # fmt: skip
        ax.axvline(RHAT_GOOD, color=PALETTE["zero"], ls="--", lw=1.0)
        ax.set_xlabel("R-hat")
        ax.set_xlim(1.0, max(RHAT_GOOD * 1.02, float(np.nanmax(rhat)) * 1.02 if n else 1.1))
        ax.set_ylim(n - 0.5, -0.5)
        nuisance = set(data.sampler.get("nuisance", []))
        ax.set_yticks(ys, [f"{n} (nuisance)" if n in nuisance else n for n in per.index])
        ax.tick_params(axis="y", length=0, labelsize=7.5)
        bulk = per["ess_bulk"].astype(float).to_numpy()
        bx.barh(ys - 0.18, bulk, height=0.36, lw=0, label="bulk",
                color=np.where(bulk < ESS_REQUIRED, PALETTE["miss"], PALETTE["model"]))
        bx.barh(ys + 0.18, per["ess_tail"].astype(float), height=0.36, lw=0, label="tail",
                color=PALETTE["study"])  # fmt: skip
        bx.axvline(ESS_REQUIRED, color=PALETTE["zero"], ls="--", lw=1.0)
        bx.set_xlabel("effective sample size")
        handles = [Patch(color=PALETTE["model"], label=f"bulk ESS ({ESS_REQUIRED:,.0f} or more)"),
                   Patch(color=PALETTE["miss"], label=f"bulk ESS (below {ESS_REQUIRED:,.0f})"),
                   Patch(color=PALETTE["study"], label="tail ESS")]  # fmt: skip
        bx.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8)
        for a in (ax, bx):
            a.grid(axis="x", color=PALETTE["grid"], lw=0.6)
    return fig


# ---------------------------------------------------------------- writing


@dataclass(eq=False)
class CalibrationReport:
    """What :func:`write_calibration_report` wrote."""

    folder: Path
    headline: float
    paths: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the terminal."""
        names = ", ".join(p.name for p in self.paths)
        return (f"Fit report: {self.folder / REPORT_FILE} ({_pct(self.headline)} of calibration "
                f"figures inside their 90% interval); wrote {names}")  # fmt: skip


def write_calibration_report(
    folder: str | os.PathLike[str],
    *,
    seconds: float | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> CalibrationReport:
    """Read a calibration folder and write into it ``calibration_report.md`` and the figures of
    :data:`CALIBRATION_FIGURES` in each of ``formats`` (all of them or none)."""
    data = load_calibration(folder)
    makers: dict[str, Callable[[CalibrationData], Any]] = {
        "fit_checks": plot_fit_checks,
        "identifiability": plot_identifiability,
        "pairs": plot_pairs,
        "sampler": plot_sampler,
    }
    md = {"version": __version__, "seed": data.meta.get("seed"), "calibration": str(data.folder)}
    files: dict[str, bytes] = {}
    for name, make in makers.items():
        fig = make(data)
        for fmt in formats:
            files[f"{name}.{fmt}"] = figure_bytes(fig, fmt, metadata=md)
    text = fit_report_text(data, seconds, [n for n in files if n.endswith(".png")])
    report = CalibrationReport(data.folder, headline_share(data.checks))
    with staged(data.folder) as staging:
        report.paths.append(staging.write(REPORT_FILE, text))
        for name, blob in files.items():
            report.paths.append(staging.write(name, blob))
    return report
