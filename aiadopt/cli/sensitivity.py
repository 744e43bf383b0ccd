"""``aiadopt sensitivity``: which calibrated parameters move the outputs (Morris or Sobol',
with SALib)."""

from __future__ import annotations

import argparse

from . import common

NAME = "sensitivity"


def add_parser(sub) -> None:
    """Add the ``sensitivity`` command and its options to ``sub`` (argparse subparsers)."""
    sensitivity = common.add_command(
        sub,
        NAME,
        help="which calibrated parameters move the outputs (see 'aiadopt sensitivity -h')",
        description=(
            "Global sensitivity analysis with SALib: sample the calibration's free parameters\n"
            "over their plausible ranges (min-max of the shipped plausible set, else the spec's\n"
            "bounds; log parameters on the log scale), run every vector with --replicates seeds\n"
            "(the same for every vector: common random numbers; outputs averaged), and compute\n"
            "Morris (mu_star, sigma) or Sobol' (ST, S1) indices with 95% intervals on: the share\n"
            "at scale at 2027-12 and at the last month, realised productivity (all firms) at the\n"
            "last month, and the Technique - Business gap of 'deployed' at 2025-03.\n"
            "\n"
            "Writes into --out: indices.csv (output, parameter, index, value, conf), one sorted\n"
            "bar plot per output (<output>.png and .svg), outputs.csv, sample.csv, runs/ and\n"
            "manifest.json; prints the top 5 parameters per output. Interrupted, the same\n"
            "command resumes: only the missing runs are run."
        ),
        examples=(
            "examples:\n"
            "  aiadopt sensitivity --method morris --samples 10 --firms 2000 --out sens/\n"
            "  aiadopt sensitivity --method sobol --samples 64 --workers 2 --out sobol/\n"
            "  aiadopt sensitivity --parameters bass_p,bass_q,scale_hazard --out sub/"
        ),
    )
    sensitivity.add_argument(
        "--method", choices=("morris", "sobol"), default="morris", help="(default morris)"
    )
    sensitivity.add_argument(
        "--samples",
        type=common.positive_int,
        default=10,
        metavar="N",
        help="morris: trajectories, N x (D+1) vectors; sobol: N (a power of 2), N x (D+2) "
        "vectors (default 10)",
    )
    sensitivity.add_argument(
        "--replicates",
        type=common.positive_int,
        default=2,
        metavar="R",
        help="seeds per vector (2)",
    )
    common.add_workers(sensitivity)
    sensitivity.add_argument(
        "--seed", type=common.seed, default=42, help="root seed of the sample and replicates (42)"
    )
    common.add_firms(sensitivity)
    common.add_until(sensitivity)
    sensitivity.add_argument(
        "--parameters",
        metavar="LIST",
        help="comma-separated free parameters of the spec to vary (default: all of them)",
    )
    sensitivity.add_argument(
        "--spec", metavar="SPEC.toml", help="calibration spec (default: the packaged one)"
    )
    common.add_out(sensitivity, NAME, extra="; the same command resumes it")
    common.add_scheduler(sensitivity)
    common.add_quiet(sensitivity)
    sensitivity.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt sensitivity`` with the parsed ``args``; returns the exit code."""
    from ..experiments import ExecutorError
    from ..experiments.sensitivity import SensitivityError, run_sensitivity
    from ..model import ParameterError
    from ..views.sensitivity import sensitivity_figures

    parameters = None
    if args.parameters is not None:
        parameters = [p.strip() for p in args.parameters.split(",") if p.strip()]
    with common.exit_codes((ParameterError, SensitivityError, ExecutorError)) as outcome:
        try:
            result = run_sensitivity(
                args.method,
                args.samples,
                out=args.out or common.default_out(NAME),
                firms=args.firms,
                until=args.until,
                workers=args.workers,
                scheduler=args.scheduler,
                replicates=args.replicates,
                seed=args.seed,
                parameters=parameters,
                spec=args.spec,
                progress=not args.quiet,
                echo=print,
                figures=sensitivity_figures,
            )
        except ModuleNotFoundError as exc:
            message = f"the sensitivity analysis needs SALib: {exc} (pip install SALib)"
            raise common.CommandError(message, code=1) from None
    if outcome.code:
        return outcome.code
    print(result.format_top())
    return 0
