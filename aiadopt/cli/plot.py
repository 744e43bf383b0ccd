"""``aiadopt plot``: the figures of a results folder (a run's, an experiment's, a scenario
discovery's or a lever portfolio's), PNG and SVG; with ``--fit``, the folder's calibration fit
table is computed and saved first (a run's or an experiment's folder)."""

from __future__ import annotations

import argparse

from . import common

NAME = "plot"


def add_parser(sub) -> None:
    """Add the ``plot`` command and its options to ``sub`` (argparse subparsers)."""
    plot = common.add_command(
        sub,
        NAME,
        help="draw the figures of a results folder (see 'aiadopt plot -h')",
        description=(
            "Draw the figures of RESULTS_DIR, each as PNG and SVG into --out. RESULTS_DIR is\n"
            "an experiment's folder (manifest.json and runs/, from 'aiadopt experiment'), a\n"
            "run's (trajectories.parquet, from 'aiadopt run'), a scenario discovery's\n"
            "(prim_box.csv..., from 'aiadopt discover': PRIM's trade-off, the box reported\n"
            "with its coverage and density, the runs over two of its inputs, the feature\n"
            "scores) or a lever portfolio's (front.csv, from 'aiadopt portfolio': the Pareto\n"
            "front). A run's or an experiment's figures: stage shares over time (one panel per\n"
            "scenario), share at scale by scenario with replicate bands, the paired effect of\n"
            "each intervention and its distribution over the replicates (with the probability\n"
            "that it raises the outcome), the dose-response of a one-lever sweep (at --months)\n"
            "and the heatmap of a two-lever sweep, the hype cycle, expected against realised\n"
            "gains, the Technique and Business views of 'deployed' (the study's 10% and 21%),\n"
            "and the calibration fit from RESULTS_DIR/fit_report.csv. Without that file the fit\n"
            "figure is left out and the command says how to compute it: --fit computes it (a\n"
            "few seconds) and saves it in RESULTS_DIR, so that later plots and reports read it.\n"
            "A figure whose metrics the results lack is left out, and the reason printed."
        ),
        examples=(
            "examples:\n"
            "  aiadopt plot aiadopt-out/run/     a run's figures into aiadopt-out/run/plot/\n"
            "  aiadopt plot exp/ --fit --out slides/ --fit-replicates 100\n"
            "  aiadopt plot exp/ --months 2026-12,2030-12   dose-response at these months\n"
            "  aiadopt plot disc/                 a discovery's figures into disc/plot/"
        ),
    )
    plot.add_argument(
        "results_dir",
        metavar="RESULTS_DIR",
        help="a run's, an experiment's, a discovery's or a portfolio's folder",
    )
    common.add_out(plot, NAME, reads_results=True)
    common.add_fit(plot, "RESULTS_DIR")
    common.add_months(plot)
    common.add_quiet(plot)
    plot.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt plot`` with the parsed ``args``; returns the exit code."""
    return plot_folder(args.results_dir, args.out, fit=args.fit,
                       fit_replicates=args.fit_replicates, quiet=args.quiet,
                       months=args.months)  # fmt: skip


def plot_folder(
    results_dir: str,
    out: str | None,
    *,
    fit: bool,
    fit_replicates: int,
    quiet: bool = False,
    months: list[str] | None = None,
) -> int:
    """Read ``results_dir``; with ``fit``, compute and save its fit table; then draw its figures
    into ``out`` (default RESULTS_DIR/plot/).  Returns the exit code."""
    from ..files import locked
    from ..model import ParameterError
    from ..views.figures import plot_results
    from ..views.folder import Results, ResultsError

    with common.exit_codes((ResultsError, ParameterError), writing="the figures") as outcome:
        data = common.read_results(results_dir, fit=fit, replicates=fit_replicates, quiet=quiet,
                                   months=months)  # fmt: skip
        folder = out or common.default_out(NAME, results_dir)
        with locked(folder):  # no other command writes there meanwhile
            output = plot_results(data, folder, echo=print, months=months)
    if outcome.code:
        return outcome.code
    print(output.summary())
    if isinstance(data, Results):
        common.say_if_no_fit(NAME, data)
    return 0


def after_run(folder: str, args: argparse.Namespace) -> int:
    """What ``run`` and ``experiment`` do once their results are written: with ``--plot``, draw
    the folder's figures into ``FOLDER/plot/``.  Returns the exit code."""
    if not args.plot:
        return 0
    return plot_folder(folder, None, fit=False, fit_replicates=0, quiet=args.quiet)
