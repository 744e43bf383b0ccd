"""The fit report: every target of the study against the model's simulated survey.

For each target of ``targets.toml`` the report puts side by side

- the study's value and its 95% interval from the effective base ``n / deff``
  (:func:`aiadopt.calibration.targets.study_interval`: Wilson for proportions, normal with
  ``cv = 1`` for the gain means); for a bound, the bound; for an ordering, the statement
  "greater > lesser";
- the model's value in **sampled-survey** mode (231 respondents drawn and raked as the study
  did, :func:`aiadopt.calibration.survey.run_survey`): its median and 90% band over the
  replicates;
- whether the model's median lies inside: inside the study's interval (proportions, means),
  on the allowed side of the bound (bounds), or with a positive difference (orderings).

The model's own noise has two parts, and the replicates cover both: the model run (one seed
gives one population and one history) and the survey sample (231 firms drawn from that
population).  By default 10 model seeds x 10 sampled surveys per run = 100 replicates.

Targets the model cannot speak to (:data:`aiadopt.calibration.survey.NOT_MODELLED`) are
reported as "not modelled" with the reason and never counted inside or outside.

From Python::

    from aiadopt.calibration.report import fit_report
    report = fit_report(out_dir="fit")      # writes fit/fit_report.csv and fit_report.md
    print(report.summary_text())
    report.table                            # one row per target

The computation from a survey frame to the table is the pure function :func:`build_table`.
This module makes tables and text only: the figure of the table is drawn by the views layer
and handed in through the ``figures=`` hook of :func:`fit_report` and :meth:`FitReport.write`
(a callable ``(table, meta) -> {file name: bytes}``), whose files are written in the same
atomic commit as the tables.

A results folder (a run's or an experiment's) keeps its fit table as ``fit_report.csv``
(:data:`FIT_TABLE_FILE`, :func:`save_fit_table`), computed once by whatever made the folder,
so that ``aiadopt plot`` and ``aiadopt report`` read it instead of surveying the model again.
Beside it, ``fit_report.meta.json`` (:data:`FIT_STAMP_FILE`, written in the same atomic
commit) stamps the table with the provenance of the parameters it surveyed
(:func:`aiadopt.files.provenance`); :func:`load_fit_table` refuses a table whose parameter
hash is not the folder's, so that a folder re-run with other parameters never shows the fit of
the old ones.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..files import check_input_file, provenance, staged
from ..model import Params
from ..model.params import shipped_params
from . import survey as sv
from . import targets as tg

__all__ = [
    "DEFAULT_MODEL_RUNS",
    "DEFAULT_REPLICATES",
    "FIT_MIN_FIRMS",
    "FIT_STAMP_FILE",
    "FIT_TABLE_FILE",
    "FIT_TABLE_REPLICATES",
    "FIT_TABLE_RUNS",
    "MODEL_BAND",
    "REPORT_FILES",
    "SECTIONS",
    "TABLE_COLUMNS",
    "Figures",
    "FitReport",
    "FitTable",
    "FitTableError",
    "build_table",
    "fit_counts",
    "fit_report",
    "fit_table_runs",
    "load_fit_table",
    "model_text",
    "not_modelled_reason",
    "replicate_plan",
    "report_fit",
    "save_fit_table",
    "study_text",
    "summarise",
    "target_label",
]

DEFAULT_REPLICATES = 100
"""Sampled surveys in a default report (model runs x surveys per run)."""

DEFAULT_MODEL_RUNS = 10
"""Model seeds in a default report: 10 runs x 10 sampled surveys per run = 100 replicates."""

MODEL_BAND = 0.90
"""Width of the model's band over the replicates (5th to 95th percentile)."""

STUDY_LEVEL = 0.95
"""Level of the study's sampling interval."""

SECTIONS = ("calibration", "validation")
"""Sections of the report, in order: fitted targets, then held-out targets."""

FIT_TABLE_FILE = "fit_report.csv"
"""The fit table in a folder: written by :meth:`FitReport.write` and :func:`save_fit_table`,
read by ``aiadopt plot`` and ``aiadopt report``."""

FIT_STAMP_FILE = "fit_report.meta.json"
"""The stamp of a folder's fit table, written with it by :func:`save_fit_table`: JSON of
text values, the provenance (``version``, ``param_hash``, ``seed``, ``params_source``) of the
parameters surveyed, then ``replicates`` and ``n_firms``."""

REPORT_FILES = {
    "csv": FIT_TABLE_FILE,
    "md": "fit_report.md",
}
"""The files :meth:`FitReport.write` creates itself, by kind (figures come from its hook)."""

FIT_TABLE_REPLICATES = 20
"""Sampled surveys of the fit table saved with a results folder (:func:`save_fit_table`)."""

FIT_TABLE_RUNS = 4
"""At most this many model runs for the fit table saved with a results folder (4 runs x 5
sampled surveys: a few seconds)."""

FIT_MIN_FIRMS = 2_000
"""Smallest population surveyed for a results folder's fit table: a run with fewer firms is
surveyed with this many (the study's survey draws 231 respondents)."""

Figures = Callable[[pd.DataFrame, Mapping[str, str]], Mapping[str, bytes]]
"""The figures hook: called with the fit table and its metadata (strings: ``version``,
``param_hash``, ``seed``, ``params_source``, ``n_firms``, ``replicates``, ``created`` and
``subtitle``, a sentence saying how the model side was made); returns file name -> bytes
(e.g. ``{"fit_report.png": ..., "fit_report.svg": ...}``)."""

TABLE_COLUMNS = [
    "section",
    "id",
    "label",
    "figure",
    "kind",
    "metric",
    "scale",
    "group",
    "category",
    "bound",
    "greater",
    "lesser",
    "study",
    "study_value",
    "study_low",
    "study_high",
    "study_n",
    "study_n_eff",
    "model_median",
    "model_p05",
    "model_p95",
    "model_greater_median",
    "model_lesser_median",
    "model_base_median",
    "replicates",
    "replicates_missing",
    "modelled",
    "inside",
    "status",
    "reason",
]
"""Columns of the report table.

Shares are in [0, 1], gain means in percent (``scale`` says which).  ``study_low`` and
``study_high`` hold the study's 95% interval for proportions and means; for a lower bound
``study_low`` is the bound (``study_high`` empty), for an upper bound ``study_high`` is;
for an ordering ``study_low`` is 0 (the difference greater - lesser must be positive).
For orderings the ``model_*`` columns are the difference greater - lesser and
``model_greater_median`` / ``model_lesser_median`` the two sides.  ``model_base_median`` is
the median count of sampled respondents in the target's group.  ``inside`` is a nullable
boolean: missing (``<NA>``) for targets not modelled.  ``status`` is "inside", "outside"
or "not modelled"; ``reason`` says why a target is not modelled or has no model value.
"""

_FIG_RE = re.compile(r"^Figure (\d+)( base)?$")
_WORDS = (
    ("usecase", "use case"),
    ("in_place_or_in_progress", "in place or in progress"),
    ("in_place", "in place"),
    ("in_progress", "in progress"),
    ("not_engaged", "not engaged"),
    ("ad_hoc", "ad hoc"),
    ("sme", "SME"),
    ("roi", "ROI"),
)


# --- labels --------------------------------------------------------------------------------------


def short_figure(figure: str) -> str:
    """``"Figure 12"`` -> ``"Fig. 12"``; text references are kept (``"text p.2"``)."""
    m = _FIG_RE.match(figure)
    return f"Fig. {m.group(1)}{m.group(2) or ''}" if m else figure


def target_label(target_id: str, figure: str | None = None) -> str:
    """A human-readable label: ``"obstacle_security_engaged", "Figure 4"`` ->
    ``"Obstacle security engaged · Fig. 4"``."""
    text = target_id
    for raw, nice in _WORDS:
        text = re.sub(rf"(?<![a-z]){raw}(?![a-z])", nice.replace(" ", "\x00"), text)
    text = text.replace("_", " ").replace("\x00", " ")
    text = text[:1].upper() + text[1:]
    return f"{text} · {short_figure(figure)}" if figure else text


# --- not modelled --------------------------------------------------------------------------------


def _side_keys(side: str, metric: str, by_id: Mapping[str, tg.Target]) -> list[str]:
    if side in by_id:
        other = by_id[side]
        return [f"{other.metric}:{c}" for c in other.categories] or [other.metric]
    expr = side.split("@", 1)[0]
    name, _, category = expr.partition(":")
    name = name or metric
    return [f"{name}:{c}" for c in category.split("+")] if category else [name]


def not_modelled_reason(
    target: tg.Target, by_id: Mapping[str, tg.Target] | None = None
) -> str | None:
    """Why the model cannot speak to ``target`` (:data:`survey.NOT_MODELLED`), else ``None``.

    A target is not modelled when its metric, or one of its categories (for an ordering,
    of either side), is listed in :data:`survey.NOT_MODELLED`.
    """
    by_id = by_id or {}
    if target.kind == "ordering":
        assert target.greater is not None and target.lesser is not None
        keys = _side_keys(target.greater, target.metric, by_id) + _side_keys(
            target.lesser, target.metric, by_id
        )
    else:
        keys = [f"{target.metric}:{c}" for c in target.categories]
    keys.insert(0, target.metric)
    reasons = [sv.NOT_MODELLED[k] for k in keys if k in sv.NOT_MODELLED]
    return "; ".join(dict.fromkeys(reasons)) if reasons else None


# --- the table -----------------------------------------------------------------------------------


def _quantiles(values: np.ndarray, band: float) -> tuple[float, float, float]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.nan, math.nan, math.nan
    lo, med, hi = np.quantile(finite, [(1 - band) / 2, 0.5, (1 + band) / 2])
    return float(med), float(lo), float(hi)


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else math.nan


def _study_columns(t: tg.Target, deff: float | None, level: float) -> dict[str, Any]:
    nan = math.nan
    out: dict[str, Any] = {
        "study_value": nan,
        "study_low": nan,
        "study_high": nan,
        "study_n": t.n if t.n is not None else pd.NA,
        "study_n_eff": t.n_eff(deff) if t.n is not None else nan,
    }
    if t.kind in ("proportion", "mean"):
        low, high = tg.study_interval(t, deff=deff, level=level)
        out.update(study_value=t.value, study_low=low, study_high=high)
        out["study"] = "value and 95% interval"
    elif t.kind == "bound":
        out["study_value"] = t.value
        if t.bound == "lower":
            out.update(study_low=t.value, study="at least the bound")
        else:
            out.update(study_high=t.value, study="at most the bound")
    else:
        out.update(study_low=0.0, study="greater > lesser")
    return out


def _inside(kind: str, bound: str | None, median: float, low: float, high: float) -> bool:
    if not math.isfinite(median):
        return False
    if kind in ("proportion", "mean"):
        return bool(low <= median <= high)
    if kind == "bound":
        return bool(median >= low) if bound == "lower" else bool(median <= high)
    return bool(median > 0.0)


def build_table(
    survey_frame: pd.DataFrame,
    targets: Sequence[tg.Target],
    *,
    deff: float | None = None,
    level: float = STUDY_LEVEL,
    band: float = MODEL_BAND,
) -> pd.DataFrame:
    """The report table (:data:`TABLE_COLUMNS`, one row per target) from a survey frame.

    ``survey_frame`` has one row per replicate and target, as :func:`survey.run_survey`
    returns it (columns ``id`` and ``value``; ``n``, ``greater``, ``lesser`` used when
    present); every replicate counts once.  Rows are ordered calibration first, then
    validation, each in the order of ``targets``.  Pure: no model is run.

    Raises:
        ValueError: the frame lacks ``id``/``value`` or names targets not in ``targets``.
    """
    missing_cols = {"id", "value"} - set(survey_frame.columns)
    if missing_cols:
        raise ValueError(f"survey frame lacks column(s) {', '.join(sorted(missing_cols))}")
    by_id = {t.id: t for t in targets}
    unknown = sorted(set(survey_frame["id"]) - set(by_id))
    if unknown:
        raise ValueError(f"survey frame has ids that are not targets: {', '.join(unknown[:5])}")
    groups = {key: frame for key, frame in survey_frame.groupby("id", sort=False)}
    empty = survey_frame.iloc[0:0]

    rows = []
    for section in SECTIONS:
        for t in (t for t in targets if t.use == section):
            frame = groups.get(t.id, empty)

            def col(name: str, frame: pd.DataFrame = frame) -> np.ndarray:
                if name not in frame.columns:
                    return np.full(len(frame), np.nan)
                return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)

            values = col("value")
            median, p05, p95 = _quantiles(values, band)
            study = _study_columns(t, deff, level)
            reason = not_modelled_reason(t, by_id)
            modelled = reason is None
            inside: Any = pd.NA
            if modelled:
                inside = _inside(t.kind, t.bound, median, study["study_low"], study["study_high"])
                if len(values) == 0:
                    reason = "no replicate of the survey answered this target"
                elif not np.isfinite(values).any():
                    reason = "the sampled surveys never had a respondent in this group"
            status = "not modelled" if not modelled else ("inside" if inside else "outside")
            rows.append(
                {
                    "section": section,
                    "id": t.id,
                    "label": target_label(t.id, t.figure),
                    "figure": t.figure,
                    "kind": t.kind,
                    "metric": t.metric,
                    "scale": tg.METRICS[t.metric].scale,
                    "group": t.group,
                    "category": t.category,
                    "bound": t.bound,
                    "greater": t.greater,
                    "lesser": t.lesser,
                    **study,
                    "model_median": median if modelled else math.nan,
                    "model_p05": p05 if modelled else math.nan,
                    "model_p95": p95 if modelled else math.nan,
                    "model_greater_median": _median(col("greater")) if modelled else math.nan,
                    "model_lesser_median": _median(col("lesser")) if modelled else math.nan,
                    "model_base_median": _median(col("n")) if t.kind != "ordering" else math.nan,
                    "replicates": len(values),
                    "replicates_missing": int((~np.isfinite(values)).sum()),
                    "modelled": modelled,
                    "inside": inside,
                    "status": status,
                    "reason": reason,
                }
            )
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["inside"] = table["inside"].astype("boolean")
    table["modelled"] = table["modelled"].astype(bool)
    table["study_n"] = table["study_n"].astype("Int64")
    for name in ("group", "category", "bound", "greater", "lesser", "reason"):
        table[name] = table[name].astype(object).where(table[name].notna(), None)
    return table


def summarise(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Counts and share inside, by section: ``targets, modelled, not_modelled, inside,
    outside, share_inside`` (share of MODELLED targets inside; NaN if none is modelled)."""
    out: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        rows = table[table["section"] == section]
        modelled = rows[rows["modelled"].astype(bool)]
        inside = int(modelled["inside"].fillna(False).astype(bool).sum())
        n_mod = len(modelled)
        out[section] = {
            "targets": len(rows),
            "modelled": n_mod,
            "not_modelled": len(rows) - n_mod,
            "inside": inside,
            "outside": n_mod - inside,
            "share_inside": inside / n_mod if n_mod else math.nan,
        }
    return out


def fit_counts(table: pd.DataFrame, section: str) -> str:
    """One sentence of :func:`summarise`'s counts for ``section``: how many modelled targets
    lie inside the study's interval, and how many are not modelled (never counted)."""
    counts = summarise(table)[section]
    inside, n = counts["inside"], counts["modelled"]
    share = f" ({100 * inside / n:.0f}%)" if n else ""
    left = counts["not_modelled"]
    extra = f"; {left} not modelled, not counted" if left else ""
    return f"{inside} of {n} modelled targets inside the study's interval{share}{extra}"


# --- formatting ----------------------------------------------------------------------------------


def _fmt(x: Any, scale: str, *, diff: bool = False) -> str:
    """A share as a percent, a gain as a signed percent, a difference in points."""
    if x is None or pd.isna(x):
        return "–"
    if diff:
        return f"{(100 * x if scale == 'share' else x):+.1f} pts"
    return f"{100 * x:.1f}%" if scale == "share" else f"{x:+.1f}%"


def study_text(row: Mapping[str, Any]) -> tuple[str, str]:
    """(study value, study interval or statement) of a table row, as text."""
    scale, kind = row["scale"], row["kind"]
    if kind in ("proportion", "mean"):
        low, high = _fmt(row["study_low"], scale), _fmt(row["study_high"], scale)
        return _fmt(row["study_value"], scale), f"[{low}, {high}]"
    if kind == "bound":
        sign = "≥" if row["bound"] == "lower" else "≤"
        return f"{sign} {_fmt(row['study_value'], scale)}", "bound"
    return "greater > lesser", "difference > 0"


def model_text(row: Mapping[str, Any]) -> tuple[str, str]:
    """(model median, model 90% band) of a table row, as text."""
    if not row["modelled"]:
        return "not modelled", "–"
    scale, diff = row["scale"], row["kind"] == "ordering"
    med = _fmt(row["model_median"], scale, diff=diff)
    if diff and pd.notna(row["model_greater_median"]):
        sides = (
            f"{_fmt(row['model_greater_median'], scale)} vs "
            f"{_fmt(row['model_lesser_median'], scale)}"
        )
        med = f"{med} ({sides})"
    band = (
        f"[{_fmt(row['model_p05'], scale, diff=diff)}, {_fmt(row['model_p95'], scale, diff=diff)}]"
    )
    return med, band


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def _markdown(report: FitReport) -> str:
    table, summary = report.table, report.summary
    lines = [
        "# Fit of the model to the study",
        "",
        "Study: Publicis Sapient France (March 2025), 231 decision-makers of French firms of 100+",
        "employees. Study intervals: 95%, from the effective base n / deff (Wilson for",
        "proportions, normal with cv = 1 for the gain means; assumptions of targets.toml).",
        "",
        f"Model: {report.describe_replicates()}. Model median and 90% band (5th-95th",
        "percentile) over the replicates. A target is inside when the model's median lies in",
        "the study's interval, on the allowed side of a bound, or, for an ordering, when the",
        "median difference greater - lesser is positive.",
        "",
        f"Parameters: {report.params_source} (hash {report.meta.get('param_hash', '?')}); "
        f"aiadopt {report.meta.get('version', '?')}; "
        f"{report.meta.get('created', '')}.",
        "",
        "## Summary",
        "",
        *report.share_lines(),
        "",
    ]
    titles = {
        "calibration": "Calibration targets (fitted)",
        "validation": "Validation targets (held out, never fitted)",
    }
    for section in SECTIONS:
        rows = table[table["section"] == section]
        s = summary[section]
        lines += [f"## {titles[section]}", ""]
        lines.append(
            f"{s['inside']} of {s['modelled']} modelled targets inside"
            + (f" ({100 * s['share_inside']:.0f}%)" if s["modelled"] else "")
            + (f"; {s['not_modelled']} not modelled." if s["not_modelled"] else ".")
        )
        lines.append("")
        lines.append(
            "| Target | Figure | Kind | Study | Study 95% interval | Model median "
            "| Model 90% band | Inside |"
        )
        lines.append("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
        for row in rows.to_dict("records"):
            study, interval = study_text(row)
            med, band = model_text(row)
            if row["status"] == "not modelled":
                verdict = f"not modelled: {row['reason']}"
            elif row["status"] == "inside":
                verdict = "yes"
            else:
                verdict = "**no**" + (f" ({row['reason']})" if row["reason"] else "")
            cells = [
                f"`{row['id']}`",
                row["figure"],
                row["kind"],
                study,
                interval,
                med,
                band,
                verdict,
            ]
            lines.append("| " + " | ".join(_md_escape(str(c)) for c in cells) + " |")
        orderings = rows[rows["kind"] == "ordering"]
        if len(orderings):
            lines += ["", "Orderings compare (greater > lesser):", ""]
            lines += [
                f"- `{r['id']}`: `{r['greater']}` > `{r['lesser']}`"
                for r in orderings.to_dict("records")
            ]
        lines.append("")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------------------------


def replicate_plan(replicates: int, seeds: Sequence[int] | int) -> list[tuple[int, int]]:
    """(model seed, sampled surveys of that run) pairs summing to ``replicates``.

    ``seeds`` is a number of model runs (seeds ``0 .. k-1``) or the seeds themselves.  The
    replicates are spread as evenly as possible over the runs (the first runs take one more
    when they do not divide); with fewer replicates than seeds only the first seeds are used.
    """
    if isinstance(seeds, int | np.integer):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, got {seeds}")
        seed_list = list(range(int(seeds)))
    else:
        seed_list = [int(s) for s in seeds]
        if not seed_list:
            raise ValueError("seeds is empty")
        if len(set(seed_list)) != len(seed_list):
            raise ValueError(f"seeds repeat: {seed_list}")
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, got {replicates}")
    k = min(len(seed_list), replicates)
    per, extra = divmod(replicates, k)
    return [(seed_list[i], per + (i < extra)) for i in range(k)]


@dataclass(eq=False)
class FitReport:
    """The fit report: :attr:`table` (one row per target, :data:`TABLE_COLUMNS`) and how it
    was made.  :attr:`survey` holds every replicate's answer (``seed`` and ``replicate``
    columns added to :func:`survey.run_survey`'s frame)."""

    table: pd.DataFrame
    params: Params
    params_source: str
    plan: tuple[tuple[int, int], ...]
    survey: pd.DataFrame
    seconds: float = math.nan
    meta: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, dict[str, Any]]:
        """Counts and share inside by section (see :func:`summarise`)."""
        return summarise(self.table)

    @property
    def share_calibration_inside(self) -> float:
        """Share of the modelled calibration targets inside."""
        return self.summary["calibration"]["share_inside"]

    @property
    def share_validation_inside(self) -> float:
        """Share of the modelled validation targets inside."""
        return self.summary["validation"]["share_inside"]

    @property
    def replicates(self) -> int:
        return sum(k for _, k in self.plan)

    def describe_replicates(self) -> str:
        runs, total = len(self.plan), self.replicates
        counts = sorted({k for _, k in self.plan})
        per = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
        runs_text = f"{runs} model run{'s' if runs > 1 else ''}"
        seeds_text = f"seed{'s' if runs > 1 else ''} {_seed_text(self.plan)}"
        surveys = f"sampled survey{'s' if per != '1' else ''}"
        return (
            f"sampled survey mode, {runs_text} ({seeds_text}) x {per} {surveys} of 231 "
            f"respondents each = {total} replicates, {self.params.n_firms:,} firms"
        )

    def share_lines(self) -> list[str]:
        """One line per section: the share of modelled targets inside."""
        lines = []
        for section in SECTIONS:
            s = self.summary[section]
            share = f"{100 * s['share_inside']:.1f}%" if s["modelled"] else "n/a"
            extra = f"; {s['not_modelled']} not modelled, not counted" if s["not_modelled"] else ""
            lines.append(
                f"{section.capitalize()} targets inside the study's interval: {share} "
                f"({s['inside']} of {s['modelled']} modelled targets{extra})"
            )
        return lines

    def summary_text(self) -> str:
        """The shares inside, by section, and every target that misses (then those not
        modelled), as text for the terminal."""
        lines = [f"Fit report: {self.describe_replicates()}."]
        if math.isfinite(self.seconds):
            lines[0] += f" ({self.seconds:.1f} s)"
        lines.append(f"Parameters: {self.params_source}.")
        lines += self.share_lines()
        for section in SECTIONS:
            rows = self.table[(self.table["section"] == section)]
            misses = rows[rows["status"] == "outside"]
            if len(misses):
                lines.append("")
                lines.append(f"{section.capitalize()} targets outside ({len(misses)}):")
                for row in misses.to_dict("records"):
                    study, interval = study_text(row)
                    med, band = model_text(row)
                    where = "" if interval in ("bound", "difference > 0") else f" {interval}"
                    lines.append(
                        f"  {row['id']} ({row['figure']}): study {study}{where}; "
                        f"model {med}, 90% band {band}"
                        + (f"; {row['reason']}" if row["reason"] else "")
                    )
        skipped = self.table[self.table["status"] == "not modelled"]
        if len(skipped):
            lines.append("")
            lines.append(f"Not modelled ({len(skipped)}, not counted):")
            lines += [f"  {r['id']}: {r['reason']}" for r in skipped.to_dict("records")]
        if self.paths:
            lines.append("")
            folder = next(iter(self.paths.values())).parent
            lines.append(f"Wrote to {folder}/: " + ", ".join(p.name for p in self.paths.values()))
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The report as Markdown: header, summary, one table per section."""
        return _markdown(self)

    def figure_meta(self) -> dict[str, str]:
        """What the figures hook is given beside the table: the report's metadata as text
        and ``subtitle``, how the model side of the table was made."""
        meta = {k: str(v) for k, v in self.meta.items()}
        meta["subtitle"] = f"Model: {self.describe_replicates()}. Parameters: {self.params_source}."
        return meta

    def write(
        self, out_dir: str | os.PathLike[str], *, figures: Figures | None = None
    ) -> dict[str, Path]:
        """Write ``fit_report.csv`` and ``fit_report.md`` into ``out_dir`` (created if
        needed; existing reports replaced), and the files ``figures(table, meta)`` returns
        (see :data:`Figures`).

        Every file is written to a hidden temporary name in ``out_dir`` and all are renamed
        once every one is complete: an error leaves no partial file.  Returns the paths by
        kind (a figure's kind is its suffix: ``png``, ``svg``).
        """
        folder = Path(out_dir)
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"output folder {folder} exists and is not a folder")
        drawn = dict(figures(self.table, self.figure_meta())) if figures is not None else {}
        with staged(folder) as stage:
            stage.write(REPORT_FILES["csv"], self.table.to_csv(index=False, float_format="%.6g"))
            stage.write(REPORT_FILES["md"], self.to_markdown())
            for name, data in drawn.items():
                stage.write(name, data)
        self.paths = stage.by_kind()
        return dict(self.paths)


def _seed_text(plan: Sequence[tuple[int, int]]) -> str:
    seeds = [s for s, _ in plan]
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(str(s) for s in seeds)


def fit_report(
    params: Params | None = None,
    *,
    replicates: int = DEFAULT_REPLICATES,
    seeds: Sequence[int] | int = DEFAULT_MODEL_RUNS,
    out_dir: str | os.PathLike[str] | None = None,
    n_firms: int | None = None,
    progress: bool = True,
    targets: Sequence[tg.Target] | None = None,
    deff: float | None = None,
    figures: Figures | None = None,
) -> FitReport:
    """Survey the model in sampled mode and compare every target with the study.

    Args:
        params: the parameters; ``None``: those ``aiadopt run`` uses (the shipped fit,
            :func:`aiadopt.model.params.shipped_params`).
        replicates: sampled surveys in all (default 100), spread over the model runs.
        seeds: the number of model runs (seeds ``0 .. k-1``, default 10) or the seeds
            themselves; each run is surveyed ``replicates / runs`` times (see
            :func:`replicate_plan`), so the band covers both the model's and the sample's
            noise.
        out_dir: if given, write the report files there (:meth:`FitReport.write`).
        figures: with ``out_dir``, the figures hook (:data:`Figures`) whose files are written
            with the tables.
        n_firms: override the population size (at least 231: the survey draws 231 firms).
        progress: show a tqdm progress bar over the model runs (only on a terminal).
        targets: the targets (default: the packaged ``targets.toml``).
        deff: design effect of the study's intervals (default: ``[meta]`` of targets.toml).

    Returns:
        The :class:`FitReport`; print :meth:`FitReport.summary_text` for the shares.
    """
    from tqdm.auto import tqdm  # lazy: start-up speed

    if params is None:
        params, source = shipped_params()
    else:
        source = "parameters given by the caller"
    if n_firms is not None:
        params = params.replace(n_firms=int(n_firms))
        source += f"; n_firms={int(n_firms)}"
    plan = replicate_plan(replicates, seeds)
    pool = tg.load_targets() if targets is None else list(targets)

    start = time.perf_counter()
    frames = []
    offset = 0
    with tqdm(
        total=sum(k for _, k in plan),
        unit="survey",
        desc="Fit report",
        disable=None if progress else True,
    ) as bar:
        for seed, count in plan:
            bar.set_postfix_str(f"seed {seed}", refresh=False)
            frame = sv.run_survey(params, seed, mode="sampled", replicates=count, targets=pool)
            frame.insert(0, "seed", seed)
            frame["replicate"] += offset
            offset += count
            frames.append(frame)
            bar.update(count)
    survey = pd.concat(frames, ignore_index=True)
    table = build_table(survey, pool, deff=deff)
    seconds = time.perf_counter() - start

    meta: dict[str, Any] = {
        **provenance(params, [s for s, _ in plan], source),
        "n_firms": params.n_firms,
        "replicates": sum(k for _, k in plan),
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    report = FitReport(
        table=table,
        params=params,
        params_source=source,
        plan=tuple(plan),
        survey=survey,
        seconds=seconds,
        meta=meta,
    )
    if out_dir is not None:
        report.write(out_dir, figures=figures)
    return report


def report_fit(
    params: Params | str | os.PathLike[str] | None = None,
    *,
    replicates: int | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    figures: Figures | None = None,
) -> FitReport:
    """The fit report (:func:`fit_report`, sampled-survey mode) of ``params``: a parameter
    set, a parameter file (e.g. a calibration's ``fitted.toml``) or ``None`` for the shipped
    parameters; written into ``out_dir`` if given (``aiadopt calibrate --report``)."""
    if params is not None and not isinstance(params, Params):
        params = Params.from_toml(check_input_file(params, "parameter file"))
    return fit_report(
        params,
        replicates=DEFAULT_REPLICATES if replicates is None else int(replicates),
        out_dir=out_dir,
        progress=progress,
        figures=figures,
    )


def fit_table_runs(replicates: int) -> int:
    """Model runs of a folder's fit table of ``replicates`` sampled surveys: up to
    :data:`FIT_TABLE_RUNS`, so that the band covers the model's noise as well as the
    sample's."""
    return max(1, min(FIT_TABLE_RUNS, replicates))


def save_fit_table(
    folder: str | os.PathLike[str],
    params: Params | None,
    *,
    seed: int = 0,
    replicates: int = FIT_TABLE_REPLICATES,
    n_firms: int | None = None,
    progress: bool = True,
) -> Path:
    """Compute the fit table of a results folder and write it there as ``fit_report.csv``
    (:data:`FIT_TABLE_FILE`) with its stamp ``fit_report.meta.json`` (:data:`FIT_STAMP_FILE`:
    the provenance of ``params`` as given, read back by :func:`load_fit_table`), in one
    atomic commit; tables only, no figure.

    The model side is ``replicates`` sampled surveys over :func:`fit_table_runs` model runs
    with seeds ``seed, seed + 1, ...`` of
    ``params`` (``None``: the shipped fit), with ``n_firms`` firms (default: the parameters'
    own, raised to :data:`FIT_MIN_FIRMS` when smaller).  Floats are written exactly
    (``repr``), so the table read back is the table computed.  Returns the file's path.
    """
    if params is None:
        given, source = shipped_params()
    else:
        given, source = params, "parameters given by the caller"
    if n_firms is None and given.n_firms < FIT_MIN_FIRMS:
        n_firms = FIT_MIN_FIRMS
    runs = fit_table_runs(replicates)
    seeds = list(range(seed, seed + runs))
    report = fit_report(
        given, replicates=replicates, seeds=seeds, n_firms=n_firms, progress=progress
    )
    stamp = {
        **provenance(given, seeds, source),
        "replicates": str(report.meta["replicates"]),
        "n_firms": str(report.params.n_firms),
    }
    with staged(folder) as stage:
        path = stage.write(FIT_TABLE_FILE, report.table.to_csv(index=False))
        stage.write(FIT_STAMP_FILE, json.dumps(stamp, indent=2) + "\n")
    return path


class FitTableError(ValueError):
    """A folder's fit table cannot be used: unreadable, or of other parameters."""


@dataclass(frozen=True, eq=False)
class FitTable:
    """A folder's saved fit table (:func:`load_fit_table`)."""

    table: pd.DataFrame
    """The table as read from ``fit_report.csv`` (the columns of :data:`TABLE_COLUMNS`)."""
    meta: dict[str, str]
    """Its stamp (:data:`FIT_STAMP_FILE`); empty for a table saved without one."""
    path: Path
    """The CSV file."""


def load_fit_table(folder: str | os.PathLike[str], *, param_hash: str | None) -> FitTable | None:
    """The fit table saved in ``folder`` by :func:`save_fit_table`, or None when there is none.

    With ``param_hash`` (the folder's parameters, ``Params.hash()``), a table whose stamp is
    missing or names other parameters is refused: it is the fit of another parameter set,
    e.g. left by an earlier run into the same folder.  ``param_hash=None`` skips the check.

    Raises:
        FitTableError: one line naming the file, the two hashes and how to recompute it.
    """
    csv = Path(folder) / FIT_TABLE_FILE
    if not csv.is_file():
        return None
    stamp_path = csv.with_name(FIT_STAMP_FILE)
    try:
        table = pd.read_csv(csv, keep_default_na=False, na_values=[""])
        meta = json.loads(stamp_path.read_text("utf-8")) if stamp_path.is_file() else {}
    except (OSError, ValueError) as exc:  # ParserError and JSONDecodeError are ValueErrors
        raise FitTableError(f"{csv}: unreadable fit table ({exc})") from None
    if param_hash is not None and meta.get("param_hash") != param_hash:
        found = f"parameters {meta['param_hash']}" if "param_hash" in meta else "no stamp"
        raise FitTableError(
            f"{csv} is the fit of other parameters ({found}, the folder's are {param_hash}); "
            "recompute it with --fit"
        )
    return FitTable(table=table, meta={k: str(v) for k, v in meta.items()}, path=csv)
