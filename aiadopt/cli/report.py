"""``aiadopt report``: one self-contained HTML report of a results folder (a run's, an
experiment's, a scenario discovery's or a lever portfolio's), or of a run made on the spot."""

from __future__ import annotations

import argparse

from . import common

NAME = "report"


def add_parser(sub) -> None:
    """Add the ``report`` command and its options to ``sub`` (argparse subparsers)."""
    report = common.add_command(
        sub,
        NAME,
        help="write one self-contained HTML report (see 'aiadopt report -h')",
        description=(
            "Write OUT/report.html: one self-contained file (figures embedded, no server, no\n"
            "network; opens in any browser) with what the model is and where the numbers come\n"
            "from (version, parameter hash, seeds), the calibration fit, the baseline\n"
            "trajectories, the scenario comparison and the tables behind them. RESULTS_DIR is\n"
            "an experiment's or a run's folder; without it, the model is run once with the\n"
            "shipped parameters (--seed) into OUT (a run's folder) and the report has no\n"
            "scenario comparison. The fit comes from RESULTS_DIR/fit_report.csv; without that\n"
            "file the report says so, and --fit computes it (a few seconds) and saves it there.\n"
            "A scenario discovery's folder ('aiadopt discover') gets its question and answer:\n"
            "the PRIM box with its coverage and density, the feature scores, their figures and\n"
            "tables; a lever portfolio's ('aiadopt portfolio') its Pareto front, as a table and\n"
            "a figure, with the levers' costs."
        ),
        examples=(
            "examples:\n"
            "  aiadopt report exp/                 into exp/report/report.html\n"
            "  aiadopt report exp/ --fit --out report/\n"
            "  aiadopt report disc/                a scenario discovery's report\n"
            "  aiadopt report                      a fresh baseline run, no scenarios"
        ),
    )
    report.add_argument(
        "results_dir",
        nargs="?",
        metavar="RESULTS_DIR",
        help="a run's, an experiment's, a discovery's or a portfolio's folder",
    )
    common.add_out(
        report, NAME, reads_results=True, extra="; without RESULTS_DIR ./aiadopt-out/report/"
    )
    common.add_fit(report, "RESULTS_DIR")
    common.add_months(report)
    report.add_argument(
        "--seed",
        type=common.seed,
        default=42,
        help="seed of the run made when no RESULTS_DIR is given (default 42)",
    )
    common.add_quiet(report)
    report.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt report`` with the parsed ``args``; returns the exit code."""
    from ..experiments.single import RunError, run_and_save
    from ..files import locked
    from ..model import ParameterError
    from ..views.figures import folder_of, run_figures
    from ..views.folder import Results, ResultsError
    from ..views.report import write_report

    out = args.out or common.default_out(NAME, args.results_dir)
    usage = (ResultsError, ParameterError, RunError)
    with common.exit_codes(usage, writing="the report") as outcome:
        results_dir = args.results_dir
        if results_dir is None:  # a run made on the spot, into OUT
            print("No results folder given: running the model once with the shipped parameters.")
            run_and_save(None, seed=args.seed, out_dir=out, progress=not args.quiet,
                         echo=print, figures=run_figures)  # fmt: skip
            results_dir = str(out)
        data = common.read_results(results_dir, fit=args.fit, replicates=args.fit_replicates,
                                   quiet=args.quiet, months=args.months)  # fmt: skip
        print(f"Reading the {folder_of(data)} in {data.folder}")
        with locked(out):  # no other command writes there meanwhile
            output = write_report(data, out, echo=print, months=args.months)
    if outcome.code:
        return outcome.code
    print(output.summary())
    if isinstance(data, Results):
        common.say_if_no_fit(NAME, data)
    return 0
