"""Every figure of a results folder, drawn and saved (``aiadopt plot``), and the figures that
the runs write with their tables (the ``figures=`` hooks of :func:`aiadopt.experiments.single.
run_and_save` and :func:`aiadopt.calibration.report.fit_report`).

From Python::

    from aiadopt.views.figures import plot_results
    print(plot_results("exp", "exp/plot").summary())   # every figure of exp/ into exp/plot/
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration.report import FIT_TABLE_FILE
from ..files import PROVENANCE_KEYS
from .dose import plot_dose_heatmap, plot_dose_response, plot_effect_distribution, sweep_families
from .effects import plot_effects
from .fit import plot_fit
from .folder import Results, ResultsError, load_results_folder, run_results
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
    "PlotOutput",
    "draw_figures",
    "fit_figures",
    "plot_results",
    "run_figures",
]

FIGURES: dict[str, str] = {
    "stage_shares": "Adoption stages over time (stacked areas, one panel per scenario)",
    "share_at_scale": "Share of firms at scale over time: levels and paired effects",
    "effects": "Paired effect of each intervention on share at scale and realised productivity",
    "effect_distribution": "Each intervention's effect replicate by replicate (posterior-"
    "predictive distribution) and the probability that it raises the outcome",
    "dose_response": "A one-lever sweep: the effect over the lever's value, at a few months",
    "dose_heatmap": "A two-lever sweep: the effect of each mix at the last month (heatmap)",
    "hype_cycle": "The hype cycle: mean enthusiasm and interest in each use case over time",
    "gains": "Expected against realised gains: productivity, cost, revenue",
    "deployed_views": 'The Technique and Business views of "deployed" over time (10% vs 21%)',
    "fit": "Calibration fit: the study against the model, one row per target",
}
"""The figures ``aiadopt plot`` draws, by file name (without suffix)."""

RUN_FIGURE = "stage_shares.png"
"""The figure ``aiadopt run`` writes with its tables."""

_RUN_FIGURE_TITLE = "Generative-AI adoption stages (aiadopt)"
_FIT_FIGURE_TITLE = "Fit of the aiadopt model to the study"


def draw_figures(data: Results) -> tuple[dict[str, Any], dict[str, str]]:
    """Every figure of :data:`FIGURES` that ``data`` has the tables for.  Returns the figures
    by name and, for each figure left out, why."""
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
        data.results, meta=meta, reference=ref
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
    _draw_sweeps(data, figures, skipped)
    if data.fit_table is not None:
        figures["fit"] = plot_fit(data.fit_table, subtitle=f"Model: {data.fit_source()}.")
    elif data.fit_problem is not None:
        skipped["fit"] = f"no calibration fit: {data.fit_problem}"
    else:
        skipped["fit"] = f"no calibration fit: {FIT_TABLE_FILE} is not in the results folder"
    return figures, skipped


def _draw_sweeps(data: Results, figures: dict[str, Any], skipped: dict[str, str]) -> None:
    """The dose-response figure of each one-lever sweep and the heatmap of each two-lever
    sweep among the scenarios (the first of each kind under the plain name, the others with
    the sweep's name appended), or why there is none."""
    families = sweep_families(data.meta, data.scenarios) if data.kind == "experiment" else []
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
                figures[key] = plot(data.results, family, meta=data.meta, reference=data.reference)
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
            f"  {', '.join(p.name for p in files.values())}: {FIGURES.get(name, '')}"
            for name, files in self.paths.items()
        ]
        if self.skipped:
            lines.append("Left out:")
            lines += [f"  {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


def plot_results(
    results: str | os.PathLike[str] | Results,
    out: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png", "svg"),
    echo: Callable[[str], None] | None = None,
) -> PlotOutput:
    """Draw every figure of a results folder (``results``: its path, see
    :func:`~aiadopt.views.folder.load_results_folder`, or what it holds, read) and save each
    into ``out`` with each suffix of ``formats`` (:func:`save_figure`).  The calibration fit is
    drawn from the folder's ``fit_report.csv``; without it the fit figure is left out (and
    :attr:`PlotOutput.skipped` says so).

    Raises:
        ResultsError: the folder cannot be read (see :func:`load_results_folder`), or ``out``
            is a file.
    """
    say = echo or (lambda _line: None)
    data = results if isinstance(results, Results) else load_results_folder(results)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"output folder {folder} exists and is not a folder")
    n_runs = data.results.groupby(data.results["scenario"].astype(str), observed=True)[
        "replicate"
    ].nunique()
    say(
        f"Plotting the {data.kind} in {data.folder}: {len(n_runs)} scenario(s), "
        f"{int(n_runs.sum())} run(s)"
    )
    figures, skipped = draw_figures(data)
    md = {k: data.meta.get(k) for k in (*PROVENANCE_KEYS, "root_seed")}
    md["results"] = str(data.folder)
    paths = {}
    for name, fig in figures.items():
        paths[name] = save_figure(fig, folder / name, metadata=md, formats=formats)
    return PlotOutput(folder, paths, skipped, data.kind)


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
