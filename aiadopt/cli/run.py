"""``aiadopt run``: one run of the model (the shipped fit unless --params), its tables and
its stage figure written into one folder."""

from __future__ import annotations

import argparse

from . import common
from .plot import after_run

NAME = "run"


def add_parser(sub) -> None:
    """Add the ``run`` command and its options to ``sub`` (argparse subparsers)."""
    run = common.add_command(
        sub,
        NAME,
        help="run the model and write its outputs (see 'aiadopt run -h')",
        description=(
            "Run the model with the shipped parameters (aiadopt/model/fitted.toml: the posterior\n"
            "median of the calibration's posterior sample when the package ships one, else the\n"
            "hand-set values or the built-in defaults; the command prints which) and write\n"
            "into --out: trajectories.parquet and trajectories.csv (tidy: date, metric, group,\n"
            "value), run.toml (parameters and metadata: seed, version, parameter hash) and\n"
            "stage_shares.png. Then print the stage shares at the survey month (2025-03) and at\n"
            "the last month."
        ),
        examples=(
            "examples:\n"
            "  aiadopt run --seed 7 --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt run --params out/run.toml --seed 7 --out again/   repeat that run\n"
            "  aiadopt run --fit --plot        with the calibration fit and every figure"
        ),
    )
    run.add_argument(
        "--seed", type=common.seed, default=42, help="seed of the run, an integer >= 0 (default 42)"
    )
    run.add_argument(
        "--firms",
        type=common.positive_int,
        metavar="N",
        help="number of firms (overrides the parameter n_firms)",
    )
    run.add_argument(
        "--params", metavar="FILE.toml", help="parameter file (default: the shipped parameters)"
    )
    common.add_until(run)
    common.add_out(run, NAME)
    common.add_quiet(run)
    common.add_fit(run, "OUT", replicates=False)
    common.add_plot(run)
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt run`` with the parsed ``args``; returns the exit code."""
    from ..experiments.single import RunError, run_and_save
    from ..model import ParameterError
    from ..views.figures import run_figures

    out = args.out or common.default_out(NAME)
    overrides = {"n_firms": args.firms} if args.firms is not None else {}
    with common.exit_codes((ParameterError, RunError)) as outcome:
        result = run_and_save(
            args.params,
            seed=args.seed,
            until=args.until,
            out_dir=out,
            progress=not args.quiet,
            echo=print,
            figures=run_figures,
            fit=args.fit,
            **overrides,
        )
    if outcome.code:
        return outcome.code
    print(result.summary())
    return after_run(str(out), args)
