"""Every figure of a results folder, drawn and saved (``aiadopt plot``), and the figures that
the runs write with their tables (the ``figures=`` hooks of :func:`aiadopt.experiments.single.
run_and_save` and :func:`aiadopt.calibration.report.fit_report`).

A results folder is a run's, an experiment's, a scenario discovery's or a lever portfolio's
(:func:`aiadopt.views.folder.folder_kind`; :func:`read_folder` reads any of them).

From Python::

    from aiadopt.views.figures import plot_results
    print(plot_results("exp", "exp/plot").summary())   # every figure of exp/ into exp/plot/
    plot_results("exp", "exp/plot", months=["2026-12", "2030-12"])   # dose-response months
    plot_results("disc", "disc/plot")                  # a discovery: PRIM, feature scores
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.report import FIT_TABLE_FILE
from ..experiments.summary import check_months, parse_months
from ..files import PROVENANCE_KEYS
from .discovery import (
    DiscoveryTables,
    FrontTables,
    discovery_figures,
    front_figure,
    read_discovery,
    read_portfolio,
)
from .dose import plot_dose_heatmap, plot_dose_response, plot_effect_distribution, sweep_families
from .effects import plot_effects
from .fit import plot_fit
from .folder import Results, ResultsError, folder_kind, load_results_folder, run_results
from .save import figure_bytes, save_figure
from .series import MissingDataError
from .trajectories import (
    plot_deployed_views,
    plot_gains,
    plot_hype_cycle,
    plot_share_at_scale,
    plot_stage_shares,
)

__all__ = [
    "FIGURES",
    "SEARCH_FIGURES",
    "Folder",
    "PlotOutput",
    "draw_figures",
    "fit_figures",
    "folder_of",
    "plot_months",
    "plot_results",
    "read_folder",
    "run_figures",
]

FIGURES: dict[str, str] = {
    "stage_shares": "Adoption stages over time (stacked areas, one panel per scenario)",
    "share_at_scale": "Share of firms at scale over time: levels and paired effects",
    "effects": "Paired effect of each intervention on share at scale and realised productivity",
    "effect_distribution": "Each intervention's effect replicate by replicate (posterior-"
    "predictive distribution) and the probability that it raises the outcome",
    "dose_response": "A one-lever sweep: the effect over the lever's value, at a few months "
    "(--months)",
    "dose_heatmap": "A two-lever sweep: the effect of each mix at one month, the last (or the "
    "last of --months) (heatmap)",
    "hype_cycle": "The hype cycle: mean enthusiasm and interest in each use case over time",
    "gains": "Expected against realised gains: productivity, cost, revenue",
    "deployed_views": 'The Technique and Business views of "deployed" over time (10% vs 21%)',
    "fit": "Calibration fit: the study against the model, one row per target",
}
"""The figures ``aiadopt plot`` draws of a run's or an experiment's folder, by file name
(without suffix)."""

SEARCH_FIGURES: dict[str, str] = {
    "prim_tradeoff": "Scenario discovery: PRIM's boxes, coverage against density",
    "prim_box": "Scenario discovery: the box reported, each restricted input's limits",
    "feature_scores": "Scenario discovery: which inputs matter (feature scores)",
    "prim_scatter": "Scenario discovery: the runs over two of the box's inputs",
    "front": "Lever portfolios: the Pareto front of robust outcome against effort",
}
"""The figures of a scenario discovery's and a lever portfolio's folder, by file name."""

Folder = Results | DiscoveryTables | FrontTables
"""What a results folder holds, read (:func:`read_folder`)."""

RUN_FIGURE = "stage_shares.png"
"""The figure ``aiadopt run`` writes with its tables."""

_RUN_FIGURE_TITLE = "Generative-AI adoption stages (aiadopt)"
_FIT_FIGURE_TITLE = "Fit of the aiadopt model to the study"


def read_folder(folder: str | os.PathLike[str]) -> Folder:
    """Read a results folder of any kind (:func:`~aiadopt.views.folder.folder_kind`): a run's
    or an experiment's (:func:`~aiadopt.views.folder.load_results_folder`), a discovery's
    (:func:`~aiadopt.views.discovery.read_discovery`) or a portfolio's
    (:func:`~aiadopt.views.discovery.read_portfolio`).

    Raises:
        ResultsError: the folder is of no known kind or cannot be read (naming it).
    """
    kind = folder_kind(folder)
    if kind == "discovery":
        return read_discovery(folder)
    if kind == "portfolio":
        return read_portfolio(folder)
    return load_results_folder(folder)


def folder_of(data: Folder) -> str:
    """The kind of folder ``data`` was read from, in words: "run", "experiment", "scenario
    discovery" or "lever portfolio"."""
    if isinstance(data, DiscoveryTables):
        return "scenario discovery"
    if isinstance(data, FrontTables):
        return "lever portfolio"
    return data.kind


def plot_months(data: Folder, months: str | Sequence[str] | None) -> list[str] | None:
    """``months`` (``YYYY-MM``, comma-separated or a list; None: the figures' defaults) checked
    against ``data``: the months of the dose-response curves, the last of them the month of
    the heatmap and of the effect distribution; an experiment's folder only.

    Raises:
        ResultsError: a month that is not ``YYYY-MM`` or not in the results (naming the
            folder and the months allowed), or a folder that is not an experiment's.
    """
    if months is None:
        return None
    if not isinstance(data, Results) or data.kind != "experiment":
        where = data.folder if data.folder is not None else "the results"
        raise ResultsError(
            f"{where}: months: the months of the dose-response and effect figures apply to an "
            f"experiment's folder, not to a {folder_of(data)}'s"
        )
    try:
        wanted = parse_months(months)
        check_months(data.results, wanted)
    except ValueError as exc:
        raise ResultsError(f"{data.folder}: months: {exc}") from None
    return wanted


def draw_figures(
    data: Folder, months: str | Sequence[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every figure that ``data`` has the tables for: of :data:`FIGURES` for a run or an
    experiment, of :data:`SEARCH_FIGURES` for a discovery or a portfolio.  ``months``: the
    months of the dose-response curves (:func:`plot_months`; default: up to four Decembers
    from the interventions' start), the last of them the month of the heatmap and of the
    effect distribution (default: the results' last month).  Returns the figures by name and,
    for each figure left out, why."""
    if isinstance(data, DiscoveryTables):
        return discovery_figures(data), {}
    if isinstance(data, FrontTables):
        return {"front": front_figure(data)}, {}
    chosen = plot_months(data, months)
    last = chosen[-1] if chosen else None
    figures: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    meta = data.meta
    ref = data.reference
    makers: dict[str, Callable[[], Any]] = {
        "stage_shares": lambda: plot_stage_shares(
            data.results, meta=meta, fit=data.fit_table, reference=ref
        ),
        "share_at_scale": lambda: plot_share_at_scale(
            data.results, meta=meta, reference=ref, starts=meta.get("intervention_starts")
        ),
        "effects": lambda: plot_effects(data.summary, meta=meta),
        "hype_cycle": lambda: plot_hype_cycle(data.results, scenario=ref, meta=meta),
        "gains": lambda: plot_gains(data.results, scenario=ref, meta=meta),
        "deployed_views": lambda: plot_deployed_views(data.results, scenario=ref, meta=meta),
    }
    makers["effect_distribution"] = lambda: plot_effect_distribution(
        data.results, meta=meta, reference=ref, month=last
    )
    for name, make in makers.items():
        if name in ("effects", "effect_distribution") and (
            data.summary is None or len(data.scenarios) < 2
        ):
            skipped[name] = "one scenario only: no intervention to compare"
            continue
        try:
            figures[name] = make()
        except MissingDataError as exc:
            skipped[name] = str(exc)
    _draw_sweeps(data, figures, skipped, chosen)
    if data.fit_table is not None:
        figures["fit"] = plot_fit(data.fit_table, subtitle=f"Model: {data.fit_source()}.")
    elif data.fit_problem is not None:
        skipped["fit"] = f"no calibration fit: {data.fit_problem}"
    else:
        skipped["fit"] = f"no calibration fit: {FIT_TABLE_FILE} is not in the results folder"
    return figures, skipped


def _draw_sweeps(
    data: Results,
    figures: dict[str, Any],
    skipped: dict[str, str],
    months: Sequence[str] | None = None,
) -> None:
    """The dose-response figure of each one-lever sweep (at ``months``) and the heatmap of
    each two-lever sweep (at the last of them) among the scenarios (the first of each kind
    under the plain name, the others with the sweep's name appended), or why there is none."""
    families = sweep_families(data.meta, data.scenarios) if data.kind == "experiment" else []
    when = {"dose_response": {"months": months}, "dose_heatmap": {"month": (months or [None])[-1]}}
    kinds = {"dose_response": (1, plot_dose_response), "dose_heatmap": (2, plot_dose_heatmap)}
    for name, (levers, plot) in kinds.items():
        chosen = [f for f in families if len(f.levers) == levers]
        if not chosen:
            what = "one-lever" if levers == 1 else "two-lever"
            skipped[name] = f"no {what} sweep among the scenarios ([[sweep]] in a scenario file)"
            continue
        for k, family in enumerate(chosen):
            key = name if k == 0 else f"{name}_{family.name}"
            try:
                figures[key] = plot(data.results, family, meta=data.meta,
                                    reference=data.reference, **when[name])  # fmt: skip
            except MissingDataError as exc:
                skipped[key] = str(exc)


@dataclass(eq=False)
class PlotOutput:
    """What :func:`plot_results` wrote."""

    folder: Path
    paths: dict[str, dict[str, Path]]
    skipped: dict[str, str]
    kind: str

    def summary(self) -> str:
        kinds = sorted({k for p in self.paths.values() for k in p})
        lines = [f"Wrote {len(self.paths)} figures to {self.folder}/ ({', '.join(kinds)}):"]
        lines += [
            f"  {', '.join(p.name for p in files.values())}: {_describe(name)}"
            for name, files in self.paths.items()
        ]
        if self.skipped:
            lines.append("Left out:")
            lines += [f"  {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


def _describe(name: str) -> str:
    """What figure ``name`` shows (a sweep's second figure: its kind's description)."""
    for known in (FIGURES, SEARCH_FIGURES):
        if name in known:
            return known[name]
        base = next((k for k in known if name.startswith(f"{k}_")), None)
        if base is not None:
            return known[base]
    return ""


def plot_results(
    results: str | os.PathLike[str] | Folder,
    out: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png", "svg"),
    echo: Callable[[str], None] | None = None,
    months: str | Sequence[str] | None = None,
) -> PlotOutput:
    """Draw every figure of a results folder (``results``: its path, see
    :func:`read_folder`, or what it holds, read) and save each into ``out`` with each suffix
    of ``formats`` (:func:`save_figure`).  The calibration fit is drawn from the folder's
    ``fit_report.csv``; without it the fit figure is left out (and :attr:`PlotOutput.skipped`
    says so).  ``months``: see :func:`draw_figures`.

    Raises:
        ResultsError: the folder cannot be read (see :func:`read_folder`), ``months`` are not
            in its results, or ``out`` is a file.
    """
    say = echo or (lambda _line: None)
    data = results if isinstance(results, Folder) else read_folder(results)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"output folder {folder} exists and is not a folder")
    if not isinstance(data, Results):
        return _plot_search(data, folder, formats, say)
    plot_months(data, months)  # checked before anything is drawn
    n_runs = data.results.groupby(data.results["scenario"].astype(str), observed=True)[
        "replicate"
    ].nunique()
    say(
        f"Plotting the {data.kind} in {data.folder}: {len(n_runs)} scenario(s), "
        f"{int(n_runs.sum())} run(s)"
    )
    figures, skipped = draw_figures(data, months)
    md = {k: data.meta.get(k) for k in (*PROVENANCE_KEYS, "root_seed")}
    md["results"] = str(data.folder)
    paths = {}
    for name, fig in figures.items():
        paths[name] = save_figure(fig, folder / name, metadata=md, formats=formats)
    return PlotOutput(folder, paths, skipped, data.kind)


def _plot_search(
    data: DiscoveryTables | FrontTables,
    folder: Path,
    formats: Sequence[str],
    say: Callable[[str], None],
) -> PlotOutput:
    """Draw and save the figures of a discovery or a portfolio."""
    if isinstance(data, DiscoveryTables):
        say(f"Plotting the scenario discovery in {data.folder}: {data.runs:,} runs; "
            f"{data.question}")  # fmt: skip
        md: dict[str, Any] = {"question": data.question, **data.meta()}
    else:
        say(f"Plotting the lever portfolio in {data.folder}: {len(data.front)} mixes on the "
            f"front of {len(data.evaluated)} evaluated")  # fmt: skip
        md = {k: data.question.get(k) for k in ("version", "outcome", "month", "quantile")}
    md["results"] = str(data.folder)
    figures, skipped = draw_figures(data)
    paths = {name: save_figure(fig, folder / name, metadata=md, formats=formats)
             for name, fig in figures.items()}  # fmt: skip
    kind = "discovery" if isinstance(data, DiscoveryTables) else "portfolio"
    return PlotOutput(folder, paths, skipped, kind)


def run_figures(tidy: pd.DataFrame, meta: Mapping[str, str]) -> dict[str, bytes]:
    """The figure a run writes with its tables (the ``figures=`` hook of
    :func:`aiadopt.experiments.single.run_and_save`): ``stage_shares.png``, stacked stage
    shares (10 x 5.6 in at dpi 150), ``meta`` in its footer and its PNG text chunks."""
    data = run_results(tidy, meta)
    fig = plot_stage_shares(data.results, meta=data.meta)
    chunks = {k: v for k, v in meta.items() if k != "notes"}
    png = figure_bytes(fig, "png", metadata=chunks, title=_RUN_FIGURE_TITLE)
    return {RUN_FIGURE: png}


def fit_figures(table: pd.DataFrame, meta: Mapping[str, str]) -> dict[str, bytes]:
    """The fit report's figure, PNG and SVG (the ``figures=`` hook of
    :func:`aiadopt.calibration.report.fit_report`): :func:`plot_fit` of ``table`` subtitled
    with ``meta["subtitle"]`` (how the model was surveyed, its parameters)."""
    fig = plot_fit(table, subtitle=meta.get("subtitle"))
    chunks = {k: v for k, v in meta.items() if k != "subtitle"}
    stem = Path(FIT_TABLE_FILE).stem
    return {
        f"{stem}.{fmt}": figure_bytes(fig, fmt, metadata=chunks, title=_FIT_FIGURE_TITLE)
        for fmt in ("png", "svg")
    }
