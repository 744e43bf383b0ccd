"""A report a strategy team can read: one self-contained HTML file (``aiadopt report``).

The file holds, in order: a short introduction (what the model is, where the numbers come
from, how to read the figures) with the package version, parameter hash and seed(s); the
calibration fit (figure and table); the baseline trajectories (stage shares, the two views of
"deployed", expected and realised gains, the hype cycle, with a table of the values at key
months); the scenario comparison (share at scale, paired effects, stage shares by scenario,
the summary table and the scenarios' definitions); a short glossary of the study's French
terms.  Every figure is a PNG embedded as a ``data:`` URI and every table an HTML table:
nothing is fetched from a server or a CDN, so the file opens in any browser, offline, and can
be mailed as it is.

Where the numbers come from:

- an experiment's folder (``aiadopt experiment --out DIR``): its runs (read with
  :func:`aiadopt.experiments.load_results`) and summary; the baseline section shows the
  reference scenario (``baseline``).
- a run's folder (``aiadopt run --out DIR``; ``aiadopt report`` without a folder first runs the
  model once into its output folder and reports that run): that run; no scenario comparison.
- a scenario discovery's or a lever portfolio's folder (``aiadopt discover``, ``aiadopt
  portfolio``): a page of its own, :mod:`aiadopt.views.search_report`.
- or what such a folder holds, already read (:class:`aiadopt.views.folder.Results`,
  :class:`~aiadopt.views.discovery.DiscoveryTables`, :class:`~aiadopt.views.discovery.
  FrontTables`).
- The calibration fit: the folder's ``fit_report.csv``
  (:data:`aiadopt.calibration.report.FIT_TABLE_FILE`, saved there by ``--fit``); without it
  the report says so and has no fit section.  Nothing here runs a model.

From Python::

    from aiadopt.views.report import write_report
    out = write_report("experiment-out", "report/")
    print(out.summary())
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.draws import packaged_lever_labels
from ..calibration.report import FIT_TABLE_FILE, fit_counts, model_text, study_text
from ..experiments.summary import INDICATORS, mean_interval
from ..files import __version__, write_atomic
from .figures import FIGURES, Folder, draw_figures, folder_of, plot_months, read_folder
from .folder import Results, ResultsError
from .page import embed as _img
from .page import escape as _e
from .page import figure as _figure
from .page import page_head
from .page import table as _table
from .search_report import build_search_html
from .series import RUN_SCENARIO, scenario_label, select_rows
from .study import (
    ROLE_WEIGHTS,
    STUDY_TARGETS,
    respondents_in_place,
    study_target,
    study_value,
)
from .trajectories import plot_stage_shares

__all__ = ["REPORT_FILE", "REPORT_TITLE", "ReportOutput", "build_report_html", "write_report"]

REPORT_FILE = "report.html"
"""The name of the report in ``--out``."""
REPORT_TITLE = "Generative-AI adoption by French firms: model report (aiadopt)"
"""The title of the report of a run or an experiment (its browser tab)."""

STUDY = (
    "Publicis Sapient France (2025), <i>De l'expérimentation au passage à l'échelle : l'IA face "
    "au défi de la collaboration</i>: a telephone survey (CATI, 3-24 March 2025) of 231 "
    "decision-makers of French firms of 100+ employees, 114 in Technique functions (CIO, CTO, "
    "COO, innovation, R&amp;D) and 117 in Business functions (CEO, marketing, sales, digital), "
    "weighted to INSEE margins by sector, size and region."
)

GLOSSARY = (
    ("Pas engagés / engagés", "not engaged / engaged (planned or beyond)"),
    ("Prévu (12 prochains mois)", "planned (within the next 12 months)"),
    ("En cours (de développement)", "experimenting (in progress)"),
    ("En place", "in place: deployed or scaled"),
    ("Passage à l'échelle, à l'échelle", "scaling, at scale (stage scaled)"),
    ("Fonctions Techniques / Business", "Technique / Business functions (the two sides)"),
    ("Courbe d'adoption, engouement", "the hype cycle, enthusiasm"),
    ("Cas d'usage", "use case"),
    ("Stratégie tripartite", "tripartite strategy (Direction, Technique and Business together)"),
    ("Externalisation, prestataires", "outsourcing, external providers"),
    ("Binôme Technique / Business", "Technique-Business pair (co-managed outsourcing)"),
    ("Montée en compétences, formations", "upskilling, training"),
    ("Gains de productivité, réduction des coûts, croissance des revenus",
     "productivity gains, cost reduction, revenue growth"),
)  # fmt: skip
"""The study's French terms used in the report, with the English labels of the figures (the
full glossary: docs/glossary.md)."""


@dataclass(eq=False)
class ReportOutput:
    """What :func:`write_report` wrote."""

    path: Path
    figures: list[str]
    skipped: dict[str, str]
    fit_source: str
    size: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"Wrote {self.path} ({self.size / 1e6:.1f} MB, self-contained: open it in any "
            f"browser): {len(self.figures)} figures; calibration fit: {self.fit_source}."
        ]
        if self.skipped:
            lines.append("Left out:")
            lines += [f"  {name}: {why}" for name, why in self.skipped.items()]
        lines += self.notes
        return "\n".join(lines)


# --- entry point ---------------------------------------------------------------------------------


def write_report(
    results: str | os.PathLike[str] | Folder,
    out: str | os.PathLike[str],
    *,
    echo: Callable[[str], None] | None = None,
    months: str | Sequence[str] | None = None,
) -> ReportOutput:
    """Write ``out/report.html`` (see the module docstring) and return what was written.

    Args:
        results: a results folder (an experiment's, a run's, a scenario discovery's or a lever
            portfolio's: :func:`~aiadopt.views.figures.read_folder`), or what it holds, read.
            A discovery's or a portfolio's report is :mod:`aiadopt.views.search_report`'s.
        out: the output folder (created if needed); the file is written atomically
            (:func:`aiadopt.files.write_atomic`), so it is there whole or not at all.
        echo: called with a line of text for each step (e.g. ``print``).
        months: the months of the dose-response figures, the last of them the month of the
            heatmap and the effect distribution (an experiment's folder only:
            :func:`~aiadopt.views.figures.plot_months`).

    Raises:
        ResultsError: ``results`` cannot be read, ``months`` are not in its results, or
            ``out`` is not a folder.
    """
    say = echo or (lambda _line: None)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"output folder {folder} exists and is not a folder")
    if isinstance(results, Folder):
        data = results
    else:
        data = read_folder(results)
        say(f"Reading the {folder_of(data)} in {data.folder}")
    if not isinstance(data, Results):
        say("Drawing the figures...")
        page, figures = build_search_html(data)
        path = _write_page(folder, page)
        return ReportOutput(path, figures, {}, "none (a search over the levers: no fit)",
                            size=len(page.encode("utf-8")))  # fmt: skip
    plot_months(data, months)  # checked before anything is drawn
    fit_source = data.fit_source()
    say("Drawing the figures...")
    page, figures, skipped = build_report_html(data, fit_source=fit_source, months=months)
    path = _write_page(folder, page)
    return ReportOutput(path, figures, skipped, fit_source, size=len(page.encode("utf-8")))


def _write_page(folder: Path, page: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_atomic(folder / REPORT_FILE, page)


# --- the page ------------------------------------------------------------------------------------


def build_report_html(
    data: Results, *, fit_source: str = "", months: str | Sequence[str] | None = None
) -> tuple[str, list[str], dict[str, str]]:
    """The report of ``data`` as one HTML string; also the names of the figures it holds and
    the figures left out (with why).  ``months``: see :func:`write_report`."""
    figures, skipped = draw_figures(data, months)
    ref = data.reference
    several = len(data.scenarios) > 1
    baseline_stages = None
    if several:  # the baseline section shows the reference scenario alone
        title = f"Adoption stages over time: {scenario_label(ref)}"
        baseline_stages = plot_stage_shares(
            data.results,
            scenarios=[ref],
            meta=data.meta,
            title=title,
            fit=data.fit_table,
            reference=ref,
        )
    images = {name: _img(fig) for name, fig in figures.items()}
    if baseline_stages is not None:
        images["baseline_stages"] = _img(baseline_stages)

    parts = [page_head(REPORT_TITLE), '<main class="page">', _intro(data, fit_source, several)]
    parts.append(_summary_section(data, several))
    parts.append(_contents())
    parts.append(_baseline_section(data, images, ref, several))
    parts.append(_scenario_section(data, images, several))
    parts.append(_fit_section(data, images.get("fit"), fit_source))
    if skipped:
        parts.append(_skipped_section(skipped))
    parts.append(_glossary_section())
    parts.append(_provenance_section(data))
    parts.append(_footer(data))
    parts.append("</main></body></html>")
    page = "\n".join(parts)
    held = [n for n in images if n != "baseline_stages" and images[n]["src"] in page]
    for name in images:
        if name not in held and name != "baseline_stages":
            skipped[name] = "one scenario: its stage figure shows the same"
    return page, held, skipped


def _fact_rows(data: Results) -> list[tuple[str, str]]:
    m = data.meta
    rows = [("Package", f"aiadopt {_e(m.get('version') or __version__)}")]
    if m.get("param_hash"):
        rows.append(("Parameter hash", f"<code>{_e(m['param_hash'])}</code>"))
    if m.get("params_source"):
        rows.append(("Parameters", _e(m["params_source"])))
    if data.kind == "experiment":
        seeds = _replicate_seeds(data.results)
        text = f"root seed {_e(m.get('root_seed'))}"
        if seeds:
            shown = ", ".join(short_seed(s) for s in seeds[:4]) + (" ..." if len(seeds) > 4 else "")
            text += (
                "; one seed per replicate, spawned from the root seed, the same in every "
                f"scenario (short forms: <code>{_e(shown)}</code>; in full in runs.csv)"
            )
        rows.append(("Seeds", text))
        rows.append(
            ("Runs", f"{len(data.scenarios)} scenarios x {_e(m.get('replicates'))} replicates")
        )
    else:
        rows.append(("Seed", _e(m.get("seed", "?"))))
    if m.get("firms"):
        rows.append(("Simulated firms", f"{int(m['firms']):,} per run"))
    dates = pd.to_datetime(data.results["date"])
    rows.append(("Months", f"{dates.min():%B %Y} to {dates.max():%B %Y}, one step per month"))
    src = str(data.folder) if data.folder is not None else "a run made for this report"
    rows.append(("Results", _e(src)))
    rows.append(("Report written", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")))
    return rows


def short_seed(seed: Any) -> str:
    """A seed as printed in prose: as it is when short (a run's ``--seed 42``), else its first
    eight hexadecimal digits (a replicate's 64-bit seed spawned from the root seed)."""
    try:
        value = int(seed)
    except (TypeError, ValueError):
        return str(seed)
    if 0 <= value < 10**6:
        return str(value)
    return f"{value % 2**64:016x}"[:8] + "…"


def _replicate_seeds(results: pd.DataFrame) -> list[int]:
    if "seed" not in results.columns:
        return []
    pairs = results[["replicate", "seed"]].drop_duplicates().sort_values("replicate")
    return [int(s) for s in pairs.drop_duplicates("replicate")["seed"]]


def _intro(data: Results, fit_source: str, several: bool) -> str:
    return """
<header>
<h1>Generative-AI adoption by French firms: what the model says</h1>
<p class="lede">An agent-based simulation of how French firms of 100+ employees adopt generative
AI, month by month from the release of ChatGPT (November 2022), calibrated on a survey of 231
decision-makers (March 2025). The answer first; how it was reached, and how well the model
reproduces the survey, after it.</p>
</header>"""


def _contents() -> str:
    sections = [
        '<li><a href="#summary">The answer in one page</a></li>',
        '<li><a href="#baseline">Baseline trajectories</a></li>',
        '<li><a href="#scenarios">Scenario comparison</a></li>',
        '<li><a href="#fit">Calibration: the model against the study</a></li>',
        '<li><a href="#glossary">Glossary of the study\'s French terms</a></li>',
        '<li><a href="#provenance">Provenance: where the numbers come from</a></li>',
    ]
    return f"<nav><b>Contents</b><ol>{''.join(sections)}</ol></nav>"


def _provenance_section(data: Results) -> str:
    facts = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in _fact_rows(data))
    return f"""<section id="provenance"><h2>Provenance</h2>
<p><b>The study.</b> {STUDY} The model's numbers are simulations: means over replicate runs
with their spread. The study's values are drawn with their 95% sampling intervals. In every
time chart the dotted line marks the survey month, March 2025: what lies after it is the
model's projection, not an observation.</p>
<dl class="facts">{facts}</dl></section>"""


# --- calibration ---------------------------------------------------------------------------------


def _pct(x: Any, scale: str = "share", *, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x):
        return "–"
    v = 100 * float(x) if scale == "share" else float(x)
    return f"{v:+.1f}%" if signed else f"{v:.1f}%"


def _fit_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The fit table's rows as text (the calibration report's own wording:
    :func:`~aiadopt.calibration.report.study_text`, :func:`~aiadopt.calibration.report.
    model_text`) and each row's class (``skip``: not modelled, ``miss``: outside)."""
    rows, classes = [], []
    for r in table.to_dict("records"):
        value, interval = study_text(r)
        study = f"{value} {interval}" if r["kind"] in ("proportion", "mean") else value
        if not r["modelled"]:
            model, verdict = "not modelled", f"not modelled: {r.get('reason') or ''}".strip(": ")
            classes.append("skip")
        else:
            median, band = model_text(r)
            model = f"{median} {band}"
            verdict = "inside" if r["status"] == "inside" else "OUTSIDE"
            classes.append("" if r["status"] == "inside" else "miss")
        rows.append(
            {
                "Target": r.get("label") or str(r["id"]).replace("_", " "),
                "Kind": r["kind"],
                "Study value [95% interval]": study,
                "Model median [90% band]": model,
                "Verdict": verdict,
            }
        )
    return pd.DataFrame(rows), classes


def _fit_section(data: Results, img: Mapping[str, str] | None, fit_source: str) -> str:
    head = '<section id="fit"><h2>4. Calibration: the model against the study</h2>'
    table = data.fit_table
    if table is None:
        return (
            head + f"<p>No calibration fit in this report: the results folder holds no "
            f"<code>{_e(FIT_TABLE_FILE)}</code>. Compute it once and save it there with "
            "<code>aiadopt report RESULTS_DIR --fit</code> (or <code>aiadopt plot RESULTS_DIR "
            "--fit</code>).</p></section>"
        )
    points = "".join(
        f"<li><b>{s.capitalize()}</b> targets ({'fitted' if s == 'calibration' else 'held out, never fitted'}): "  # noqa: E501
        f"{fit_counts(table, s)}.</li>"
        for s in ("calibration", "validation")
        if (table["section"] == s).any()
    )
    parts = [
        head,
        "<p>Each figure of the study that the model can speak to is a target: a share, a mean "
        "gain, a bound or an ordering. The model is surveyed as the study was (231 respondents "
        "drawn from the simulated firms and weighted to the same margins), many times; its "
        "median and 90% band over those surveys are set against the study's value and 95% "
        "interval. Calibration targets were used to set the parameters; validation targets "
        "were held out, so they test the model rather than its fit.</p>",
        f'<ul class="keypoints">{points}</ul>',
        f'<p class="muted">Fit: {_e(fit_source)}.</p>',
        "<details><summary>The calibration in detail: the fit figure and the target "
        "tables</summary>",
        _figure(
            img,
            "One row per target: the study's value (dark tick) and 95% interval (blue bar), or "
            "the allowed side of a bound (hatched); the model's median (dot) and 90% band "
            "(line). Rows in red: the model misses the target. Grey rows: not modelled.",
            "fit",
        ),
    ]
    frame, classes = _fit_rows(table)
    for section in ("calibration", "validation"):
        mask = (table["section"] == section).to_numpy()
        if mask.any():
            sub = frame[mask].reset_index(drop=True)
            cls = [c for c, m in zip(classes, mask, strict=True) if m]
            parts.append(
                "<details"
                + f"><summary>Table: {section} targets ({int(mask.sum())})</summary>"
                + _table(
                    sub,
                    numeric=("Study value [95% interval]", "Model median [90% band]"),
                    row_class=cls,
                    cell_class={"Verdict": "verdict"},
                    wrap=True,
                )
                + "</details>"
            )
    parts.append("</details></section>")
    return "\n".join(parts)


# --- the answer in one page ---------------------------------------------------------------------

QUESTION = (
    "How far and how fast will French firms of 100+ employees take generative AI to scale, and "
    "which levers (strategy, outsourcing, training) move that?"
)

SUCCESS_FACTORS = (
    "strategy_effect",
    "manager_effect",
    "training_effect",
    "dedicated_effect",
    "roles_effect",
    "collaboration_effect",
    "complementarity",
)
"""The coefficients through which the success factors, and so the interventions, act."""


def in_place_answers(results: pd.DataFrame, scenario: str, month: pd.Timestamp) -> pd.Series:
    """Per replicate: the share of respondents who would say "in place" in ``month``
    (:func:`~aiadopt.views.study.respondents_in_place`), empty without the views."""
    # select on the categorical columns first: converting millions of rows to strings took
    # seconds (select_rows compares the categories' codes)
    sel = select_rows(results, [f"deployed_view.{r}" for r in ROLE_WEIGHTS], "all", scenario)
    sel = sel[(sel["date"] == month).to_numpy()]
    if sel.empty:
        return pd.Series(dtype=float)
    wide = sel.pivot_table(index="replicate", columns="metric", values="value", aggfunc="mean")
    if len(wide.columns) < 2:
        return pd.Series(dtype=float)
    return respondents_in_place(wide["deployed_view.technique"], wide["deployed_view.business"])


def _values_at(results: pd.DataFrame, scenario: str, metric: str, month: Any) -> pd.Series:
    """Per replicate: ``metric`` (all firms) of ``scenario`` in ``month``."""
    sel = select_rows(results, metric, "all", scenario)
    sel = sel[(sel["date"] == pd.Timestamp(month)).to_numpy()]
    return sel.groupby("replicate")["value"].mean()


def _with_interval(values: pd.Series, fmt: Callable[[float], str]) -> str:
    """Mean of ``values`` and its 95% t interval (one value: no interval), as text."""
    m, lo, hi = mean_interval(values.to_numpy(dtype=float))
    if math.isnan(m):
        return "–"
    if math.isnan(lo):
        return f"{fmt(m)} (one run, no interval)"
    return f"{fmt(m)} [95% CI {fmt(lo)} to {fmt(hi)}]"


def _headline(data: Results, ref: str) -> list[str]:
    """The baseline's headline numbers, as list items."""
    res = data.results
    dates = pd.to_datetime(res["date"])
    last = pd.Timestamp(dates.max())
    items = []
    survey = pd.Timestamp("2025-03-01")
    if dates.min() <= survey <= last:
        answer = in_place_answers(res, ref, survey)
        study = study_value(STUDY_TARGETS["in_place"])
        if len(answer) and study is not None:
            inside = study[1] <= 100 * answer.mean() <= study[2]
            items.append(
                "<b>Today (March 2025), like with like:</b> the model's respondents would say "
                f"generative AI is in place in {_with_interval(answer, _share_text)} of firms; "
                f"the study found {study[0]:.0f}% [{study[1]:.1f}% to {study[2]:.1f}%] "
                + ("(inside its interval)." if inside else "(<b>outside</b> its interval).")
                + " The true state, firms that have deployed or scaled, is "
                + _share_text(
                    float(
                        _values_at(res, ref, "stage_share.deployed", survey).mean()
                        + _values_at(res, ref, "stage_share.scaled", survey).mean()
                    )
                )
                + " (not what respondents say: Business respondents count their own tools)."
            )
    for month in dict.fromkeys([m for m in (pd.Timestamp("2027-12-01"), last) if m <= last]):
        scaled = _values_at(res, ref, "stage_share.scaled", month)
        if len(scaled):
            note = (
                " (mean over replicates; the interval is the uncertainty of that mean)"
                if len(scaled) > 1
                else ""
            )
            items.append(
                f"<b>At scale by {month:%B %Y}:</b> {_with_interval(scaled, _share_text)} of "
                f"firms{note}."
            )
    gain = _values_at(res, ref, "gain_realised.productivity", last)
    if len(gain):
        items.append(
            f"<b>Realised productivity gain, all firms, {last:%B %Y}:</b> "
            f"{_with_interval(gain, lambda v: f'{v:.1f}%')}."
        )
    return items


def _share_text(x: float) -> str:
    return f"{100 * x:.1f}%"


def _effects_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per intervention: its paired effect on each indicator at the summary's last
    month, with the 95% interval and a plain verdict; sorted by the first indicator."""
    specs = {i.name: i for i in INDICATORS}
    rows = summary[summary["scenario"].astype(str) != summary["reference"].astype(str)]
    rows = rows[rows["diff"].notna()]
    if rows.empty:
        return pd.DataFrame()
    last = max(rows["month"].astype(str))
    rows = rows[rows["month"].astype(str) == last]
    out: dict[str, dict[str, Any]] = {}
    first = None
    for r in rows.to_dict("records"):
        spec = specs.get(r["indicator"])
        unit = spec.unit if spec is not None else "share"
        label = (spec.label if spec is not None else str(r["indicator"])).split(",")[0]
        first = first or label
        pts = " (points)" if unit == "share" else " (points of %)"
        lo, hi = r["diff_ci_low"], r["diff_ci_high"]
        clear = pd.notna(lo) and (lo > 0 or hi < 0)
        row = out.setdefault(str(r["scenario"]), {"Scenario": scenario_label(r["scenario"])})
        row[f"{label}{pts}"] = (
            f"{_diff(r['diff'], unit)} [{_diff(lo, unit)}, {_diff(hi, unit)}]"
            + ("" if clear else " ~0")
        )
        if pd.notna(r.get("effect_ppi_05")):
            row[f"{label}: {PREDICTIVE}"] = _predictive(r, unit)
        row.setdefault("_key", float(r["diff"]))
    frame = pd.DataFrame(out.values()).sort_values("_key", ascending=False).drop(columns="_key")
    # each indicator's predictive interval follows it, under a short heading (the table fits)
    frame.columns = [c.rpartition(": ")[2] if c.endswith(PREDICTIVE) else c for c in frame.columns]
    frame.attrs["month"] = last
    return frame


def _prior_caveat(params_source: str | None) -> str:
    """Which success-factor coefficients the data inform, and which are assumptions: none are
    informed for hand-set parameters; for the shipped posterior, its lever labels
    (data-informed or prior-driven); for any other parameters, the calibration that made them
    says (not known here)."""
    factors = ", ".join(f"<code>{n}</code>" for n in SUCCESS_FACTORS)
    if params_source and "hand-set" in params_source:
        return (
            "<b>Every lever effect is a prior, not a finding.</b> These runs use hand-set "
            f"parameters ({_e(params_source)}): nothing was fitted, so the success-factor "
            f"coefficients ({factors}) and their complementarity are assumptions read from "
            "the study's text. The sign of an effect is a reading of the study; its size is "
            "the assumption's."
        )
    labels = packaged_lever_labels()
    if params_source and "posterior" in params_source and labels:
        informed = [k for k, v in labels.items() if v == "data-informed"]
        driven = [k for k, v in labels.items() if v != "data-informed"]
        return (
            "<b>Which lever effects the data inform.</b> The parameters are a posterior "
            f"({_e(params_source)}). Data-informed (the study narrows the lever's main "
            f"coefficient by at least 20%): {_e(', '.join(informed) or 'none')}. Prior-driven "
            f"(the data leave its coefficient at its prior, so its size is an assumption read "
            f"from the study's text): {_e(', '.join(driven) or 'none')}."
        )
    return (
        "<b>Lever effects may be priors, not findings.</b> The interventions act "
        f"through the success-factor coefficients ({factors}). These runs use "
        f"{_e(params_source or 'parameters of unknown source')}, not the shipped posterior: the "
        "calibration that made them says which coefficients the data narrow (its "
        "<code>levers.csv</code> and <code>identifiability.csv</code>). A coefficient set by "
        "hand is an assumption read from the study's text: the sign of its effect is a reading "
        "of the study, its size the assumption's."
    )


def _baseline_name(ref: str) -> str:
    return "the run" if ref == RUN_SCENARIO else f"{_e(scenario_label(ref))}, no intervention"


def _summary_section(data: Results, several: bool) -> str:
    ref = data.reference
    parts = [
        '<section id="summary" class="summary"><h2>1. The answer in one page</h2>',
        f"<p><b>The question.</b> {_e(QUESTION)}</p>",
        f"<h3>Baseline: {_baseline_name(ref)}</h3>",
        f'<ul class="keypoints">{"".join(f"<li>{i}</li>" for i in _headline(data, ref))}</ul>',
    ]
    if several and data.summary is not None:
        table = _effects_table(data.summary)
        if len(table):
            when = pd.Timestamp(f"{table.attrs['month']}-01").strftime("%B %Y")
            parts.append(f"<h3>What each lever changes, {when}</h3>")
            parts.append(
                "<p>The effect is the paired difference to the "
                f"{_e(scenario_label(ref))}: replicate <i>k</i> of every scenario shares its "
                "seed and parameters, so the difference is the lever's, not the noise's. In "
                "brackets the 95% interval of its mean; <b>~0</b>: the interval includes 0. "
                "<i>5-95% predictive</i>: where the effect of one replicate lies, each with its "
                "own draw of the parameters (from the posterior sample, when the experiment has "
                "one) and its own seed: the posterior-predictive interval of the effect.</p>"
            )
            parts.append(_table(table, numeric=[c for c in table.columns if c != "Scenario"]))
    else:
        parts.append(
            "<p><b>No lever is compared here:</b> these results hold one scenario. The "
            "levers' effects come from an experiment (<code>aiadopt experiment --out DIR</code>, "
            "then <code>aiadopt report DIR</code>).</p>"
        )
    caveats = [_prior_caveat(data.meta.get("params_source"))]
    if "no_success_factors" in data.scenarios:
        caveats.append(
            "<b>no success factors is a counterfactual, not a policy:</b> from the start of "
            "the run no firm has any of the six factors (no tripartite strategy, no providers "
            "managed by the pair, no training, no dedicated staff nor roles, no balanced "
            "collaboration), and Direction cannot choose them; the firms keep everything "
            "else, handicaps included. It changes who has what, not a coefficient, so its "
            "answer does not depend on which category the effects are measured from."
        )
    caveats.append(
        "<b>After March 2025 everything is projection:</b> the study is one cross-section, so "
        "the model's timing beyond the survey month rests on its dynamics, not on data."
    )
    caveats.append(
        "<b>Like with like:</b> where the report sets the study beside the model it uses the "
        "model's simulated answers (respondents' views of their firm); the model's true "
        "state is labelled as such."
    )
    parts.append("<h3>Caveats that change a decision</h3>")
    parts.append(f'<ul class="caveats">{"".join(f"<li>{c}</li>" for c in caveats)}</ul>')
    parts.append("</section>")
    return "\n".join(parts)


# --- baseline ------------------------------------------------------------------------------------

KEY_METRICS = (
    ("stage_share.not_engaged", "all", "Not engaged", "share"),
    ("stage_share.planned", "all", "Planned", "share"),
    ("stage_share.experimenting", "all", "Experimenting", "share"),
    ("stage_share.deployed", "all", "Deployed", "share"),
    ("stage_share.scaled", "all", "Scaled (at scale)", "share"),
    ("state.in_place", "all", "Deployed or scaled (true state, not what respondents say)", "share"),
    ("answer.in_place", "all", 'Respondents saying "in place" (114:117)', "share"),
    ("deployed_view.technique", "all", '"Deployed", Technique view', "share"),
    ("deployed_view.business", "all", '"Deployed", Business view', "share"),
    ("gain_expected.productivity", "all", "Expected productivity gain, all firms", "percent"),
    ("gain_realised.productivity", "active", "Realised productivity gain, active firms", "percent"),
    ("gain_realised.productivity", "all", "Realised productivity gain, all firms", "percent"),
    ("gain_realised.revenue", "active", "Realised revenue gain, active firms", "percent"),
    ("enthusiasm", "all", "Enthusiasm index (0-100), all firms", "index"),
)
"""The rows of the baseline table: metric, group, label, unit."""


def _key_months(results: pd.DataFrame) -> list[pd.Timestamp]:
    dates = pd.to_datetime(results["date"])
    first, last = dates.min(), dates.max()
    wanted = [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-12-01"), pd.Timestamp("2027-12-01")]
    months = [m for m in wanted if first <= m <= last]
    if last not in months:
        months.append(last)
    return months


def _baseline_table(data: Results, scenario: str) -> pd.DataFrame:
    res = data.results
    months = _key_months(res)
    names = [m for m, *_ in KEY_METRICS]
    names += ["stage_share.deployed", *(f"deployed_view.{r}" for r in ROLE_WEIGHTS)]
    sel = res[res["metric"].isin(names).to_numpy() & (res["scenario"] == scenario).to_numpy()]
    sel = sel[pd.to_datetime(sel["date"]).isin(months).to_numpy()]
    sel = sel.assign(metric=sel["metric"].astype(str), group=sel["group"].astype(str))
    sel = pd.concat([sel, _derived_rows(sel)], ignore_index=True)
    reps = sel["replicate"].nunique()
    stats = sel.groupby(["metric", "group", "date"])["value"].agg(
        mean="mean", low=lambda v: v.quantile(0.05), high=lambda v: v.quantile(0.95)
    )
    rows = []
    for metric, group, label, unit in KEY_METRICS:
        row = {"Indicator": label}
        target = STUDY_TARGETS["in_place"] if metric == "answer.in_place" else None
        target = target or study_target(metric, group)
        study = study_value(target, 1.0) if target else None
        row["Study, Mar 2025"] = (
            f"{_value(study[0], unit)} [{_value(study[1], unit)}, {_value(study[2], unit)}]"
            if study is not None
            else ""
        )
        for m in months:
            key = (metric, group, m)
            if key not in stats.index:
                row[_month_head(m)] = "–"
                continue
            s = stats.loc[key]
            row[_month_head(m)] = _value(s["mean"], unit) + (
                f" [{_value(s['low'], unit)}, {_value(s['high'], unit)}]" if reps > 1 else ""
            )
        if any(v != "–" for k, v in row.items() if k not in ("Indicator", "Study, Mar 2025")):
            rows.append(row)
    return pd.DataFrame(rows)


def _derived_rows(sel: pd.DataFrame) -> pd.DataFrame:
    """Rows of the two readings of "in place" (all firms, per replicate and month): the
    respondents' answer (``answer.in_place``, the roles' views mixed 114:117) and the true
    state (``state.in_place``, deployed + scaled)."""
    base = sel[(sel["group"] == "all").to_numpy()]
    wide = base.pivot_table(
        index=["replicate", "date"], columns="metric", values="value", aggfunc="mean"
    )
    out = []
    if {"deployed_view.technique", "deployed_view.business"} <= set(wide.columns):
        answer = respondents_in_place(
            wide["deployed_view.technique"], wide["deployed_view.business"]
        )
        out.append(answer.rename("value").reset_index().assign(metric="answer.in_place"))
    if {"stage_share.deployed", "stage_share.scaled"} <= set(wide.columns):
        state = wide["stage_share.deployed"] + wide["stage_share.scaled"]
        out.append(state.rename("value").reset_index().assign(metric="state.in_place"))
    if not out:
        return sel.iloc[:0]
    return pd.concat(out, ignore_index=True).assign(group="all")


def _month_head(m: pd.Timestamp) -> str:
    return f"{m:%b %Y}" + (" (survey)" if m == pd.Timestamp("2025-03-01") else "")


def _value(x: float, unit: str) -> str:
    if x is None or pd.isna(x):
        return "–"
    if unit == "share":
        return f"{100 * x:.1f}%"
    if unit == "index":
        return f"{100 * x:.0f}"
    return f"{x:.2f}%"


def _baseline_section(
    data: Results, images: Mapping[str, Mapping[str, str]], ref: str, several: bool
) -> str:
    who = (
        f"the <b>{_e(scenario_label(ref))}</b> scenario (no intervention)"
        if ref != RUN_SCENARIO
        else "the run"
    )
    parts = [
        '<section id="baseline"><h2>2. Baseline trajectories</h2>',
        f"<p>Where adoption goes in {who}: the stages over time, what each side of the firm "
        "calls &ldquo;deployed&rdquo;, the gains expected and realised, and the hype cycle.</p>",
        _figure(
            images.get("baseline_stages") or images.get("stage_shares"),
            _stages_caption(data, ref),
            "baseline-stages",
        ),
        _figure(
            images.get("deployed_views"),
            "The perception gap: in March 2025 only 10% of Technique respondents said their firm "
            "had deployed generative AI, against 21% of Business respondents. In the model the "
            "Technique side counts what is really in place; the Business side also counts its "
            "own tools (shadow AI) and pilots.",
            "deployed-views",
        ),
        _figure(
            images.get("gains"),
            "Gains in percent. Firms expect far more than they realise, and revenue lags "
            "productivity (study: 7.6% productivity expected, 5.4% realised by active firms; "
            "3.3% revenue expected, 1.2% realised).",
            "gains",
        ),
        _figure(
            images.get("hype_cycle"),
            "Expectations and interest over time. The study reads adoption as a hype cycle "
            "(its Figure 7): a first peak of enthusiasm, a valley when developments prove "
            "harder or costlier than expected, then scaling for the use cases that deliver "
            "(content, personalisation) while others fall below expectations (test automation, "
            "infrastructure). The figure shows how far the model's firms follow that shape.",
            "hype-cycle",
        ),
    ]
    table = _baseline_table(data, ref)
    if len(table):
        reps = _n_reps(data, ref)
        spread = " (mean [5th-95th percentile] over the replicates)" if reps > 1 else ""
        parts.append(
            _table(
                table,
                caption=f"Key values of {scenario_label(ref)} at chosen months{spread}",
                numeric=[c for c in table.columns if c != "Indicator"],
            )
        )
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _stages_caption(data: Results, ref: str) -> str:
    """The caption of the baseline's stage figure, its comparison computed from the data (the
    model's answer against the study), never asserted."""
    said = {k: study_value(STUDY_TARGETS[k]) for k in ("engaged", "active", "in_place")}
    shown = {k: f", {v[0]:.0f}%" if v is not None else "" for k, v in said.items()}
    text = (
        "The areas are the model's state: the share of all firms in each stage, month by month "
        "(scaled at the bottom); they are not what respondents say. The diamonds are the "
        f"study's March 2025 shares of respondents saying engaged (planned or beyond"
        f"{shown['engaged']}), active (experimenting or beyond{shown['active']}) and in place "
        f"(deployed or scaled{shown['in_place']}), with 95% intervals."
    )
    survey = pd.Timestamp("2025-03-01")
    answer = in_place_answers(data.results, ref, survey)
    study = study_value(STUDY_TARGETS["in_place"])
    if len(answer) and study is not None:
        v = 100 * float(answer.mean())
        where = "inside" if study[1] <= v <= study[2] else "outside"
        text += (
            " The yellow line is the model's answer to the study's question, the share of "
            f'respondents who would say "in place": {v:.1f}% in March 2025, {where} the '
            f"study's interval [{study[1]:.1f}%, {study[2]:.1f}%]."
        )
    if data.fit_table is not None:
        text += (
            " The circles are the model surveyed as the study was (median and 90% band of the "
            "sampled surveys); the calibration section lists every such comparison."
        )
    return text


def _n_reps(data: Results, scenario: str) -> int:
    res = data.results
    return int(res.loc[(res["scenario"] == scenario).to_numpy(), "replicate"].nunique())


# --- scenarios -----------------------------------------------------------------------------------


def _summary_table(summary: pd.DataFrame) -> list[str]:
    specs = {i.name: i for i in INDICATORS}
    out = []
    for (name, month), block in summary.groupby(["indicator", "month"], sort=False):
        spec = specs.get(name)
        unit = spec.unit if spec is not None else "share"
        label = spec.label if spec is not None else str(name)
        ref = str(block["reference"].iloc[0])
        pts = "points" if unit == "share" else "points of %"
        rows = []
        for r in block.to_dict("records"):
            is_ref = str(r["scenario"]) == ref
            fmt = lambda x, u=unit: _pct(x, u, signed=u != "share")  # noqa: E731
            rows.append(
                {
                    "Scenario": scenario_label(r["scenario"]) + (" (reference)" if is_ref else ""),
                    "Replicates": int(r["n"]),
                    "Mean": fmt(r["mean"]),
                    "95% CI": f"[{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]",
                    f"Difference to {scenario_label(ref)} ({pts})": "–"
                    if is_ref
                    else _diff(r["diff"], unit),
                    "Paired 95% CI": "–"
                    if is_ref
                    else f"[{_diff(r['diff_ci_low'], unit)}, {_diff(r['diff_ci_high'], unit)}]",
                    "Predictive 5-95%": "–" if is_ref else _predictive(r, unit),
                    "P(raises)": "–" if is_ref else _probability(r.get("p_effect_positive")),
                    "Unpaired 95% CI": "–"
                    if is_ref
                    else f"[{_diff(r['unpaired_ci_low'], unit)}, {_diff(r['unpaired_ci_high'], unit)}]",  # noqa: E501
                }
            )
        frame = pd.DataFrame(rows)
        when = pd.Timestamp(f"{month}-01").strftime("%B %Y")
        out.append(
            _table(
                frame,
                caption=f"{label}, {when}",
                numeric=[c for c in frame.columns if c != "Scenario"],
            )
        )
    return out


PREDICTIVE = "5-95% predictive"
"""The heading of a posterior-predictive interval of an effect."""


def _predictive(r: Mapping[str, Any], unit: str) -> str:
    """The posterior-predictive 5-95% interval of a summary row's effect ("–" for a summary
    written before it existed)."""
    lo, hi = r.get("effect_ppi_05"), r.get("effect_ppi_95")
    if lo is None or pd.isna(lo):
        return "–"
    return f"[{_diff(lo, unit)}, {_diff(hi, unit)}]"


def _probability(p: Any) -> str:
    """The probability that a scenario raises the outcome (``p_effect_positive``: the share of
    replicates whose own effect is above 0), "–" for a summary written before it existed."""
    return "–" if p is None or pd.isna(p) else f"{100 * float(p):.0f}%"


def _diff(x: Any, unit: str) -> str:
    if x is None or pd.isna(x):
        return "–"
    return f"{100 * float(x):+.2f}" if unit == "share" else f"{float(x):+.3f}"


def _scenario_section(data: Results, images: Mapping[str, Mapping[str, str]], several: bool) -> str:
    if not several:
        return (
            '<section id="scenarios"><h2>3. Scenario comparison</h2><p>These results hold one '
            "scenario only, so there is nothing to compare. Run an experiment (<code>aiadopt "
            "experiment --out DIR</code>) and write the report from its folder (<code>aiadopt "
            "report DIR --out REPORT</code>).</p></section>"
        )
    ref = data.reference
    parts = [
        '<section id="scenarios"><h2>3. Scenario comparison</h2>',
        "<p>Each scenario applies an intervention (or removes the success factors) to the same "
        f"simulated firms as <b>{_e(scenario_label(ref))}</b>: replicate <i>k</i> of every "
        "scenario starts from the same seed, so the difference between two scenarios is the "
        "intervention's effect, measured pair by pair (common random numbers).</p>",
    ]
    descriptions = data.meta.get("scenario_descriptions") or {}
    if descriptions:
        frame = pd.DataFrame(
            [
                {"Scenario": scenario_label(n), "What it does": descriptions.get(n, "")}
                for n in data.scenarios
            ]
        )
        parts.append(_table(frame, caption="The scenarios"))
    parts += [
        _figure(
            images.get("share_at_scale"),
            "Share of firms at scale over time. Top: the level of each scenario (mean over "
            "replicates; the band is the spread of the reference's replicates, which includes "
            "the uncertainty of the parameters). Bottom: the effect, each scenario minus the "
            "reference replicate by replicate, with its 95% interval: the parameters' "
            "uncertainty is shared by both and cancels, so an effect can be clear although the "
            "levels' bands overlap. The dashed line marks the interventions' start.",
            "share-at-scale",
        ),
        _figure(
            images.get("effects"),
            "The effect of each intervention: the mean paired difference to the reference and "
            "its 95% interval, on the share of firms at scale and on the realised productivity "
            "gain (all firms). An interval that does not cross 0 is a clear effect.",
            "effects",
        ),
        _figure(
            images.get("effect_distribution"),
            "Where the effect of one possible world lies: each dot is one replicate's effect "
            "(its own posterior draw of the parameters and seed, paired with the reference's "
            "replicate), the shading their density, the bar their mean; at the right, the "
            "probability that the scenario raises the outcome (the share of dots above 0).",
            "effect-distribution",
        ),
        *[
            _figure(
                images.get(name),
                "Dose-response: the mean paired effect of each point of a one-lever sweep over "
                "the lever's value, with its 95% interval, one curve per month (viridis: "
                "earlier months darker; <code>--months</code> chooses them)."
                if name.startswith("dose_response")
                else "Two levers together: the mean paired effect of each mix at the month its "
                "subtitle names (the last of the results, or of <code>--months</code>), and the "
                "probability that it raises the outcome.",
                name.replace("_", "-"),
            )
            for name in images
            if name.startswith(("dose_response", "dose_heatmap"))
        ],
        _figure(
            images.get("stage_shares"),
            "The stages over time in every scenario (mean over replicates).",
            "stages-by-scenario",
        ),
    ]
    if data.summary is not None and len(data.summary):
        parts.append("<h3>The tables behind the comparison</h3>")
        parts += _summary_table(data.summary)
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


# --- end matter ----------------------------------------------------------------------------------


def _skipped_section(skipped: Mapping[str, str]) -> str:
    items = "".join(
        f"<li><b>{_e(FIGURES.get(n, n))}</b>: {_e(why)}</li>" for n, why in skipped.items()
    )
    return (
        '<section id="missing"><h3>Figures not in this report</h3>'
        f'<ul class="muted">{items}</ul></section>'
    )


def _glossary_section() -> str:
    frame = pd.DataFrame(GLOSSARY, columns=["The study (French)", "This report (English)"])
    return (
        '<section id="glossary"><h2>Glossary of the study\'s French terms</h2>'
        + _table(frame)
        + '<p class="muted">The full glossary, with where each term appears in the study and '
        "in the code, is docs/glossary.md of the aiadopt repository.</p></section>"
    )


def _footer(data: Results) -> str:
    m = data.meta
    bits = [f"aiadopt {m.get('version') or __version__}"]
    if m.get("param_hash"):
        bits.append(f"parameters {m['param_hash']}")
    if m.get("seed") is not None:
        bits.append(f"seed {m['seed']}")
    if m.get("root_seed") is not None:
        bits.append(f"root seed {m['root_seed']}")
    return (
        '<p class="muted" style="margin-top:40px">Made with '
        + _e(" · ".join(str(b) for b in bits))
        + ". Figures drawn with matplotlib; this file embeds them and needs no network.</p>"
    )
