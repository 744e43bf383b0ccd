"""``aiadopt sensitivity``: which calibrated parameters move the outputs (Morris or Sobol',
with SALib)."""

from __future__ import annotations

import argparse

from . import common

NAME = "sensitivity"
SPEC_FREE = 26
"""The free parameters of the packaged calibration spec (D by default; a test checks it)."""


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
            "\n"
            "Cost. D is the number of parameters varied: --parameters, or every free parameter\n"
            f"of the spec ({SPEC_FREE} in the packaged one). The command makes\n"
            "  morris: samples x (D+1) x replicates runs   "
            f"(defaults: 10 x {SPEC_FREE + 1} x 2 = {10 * (SPEC_FREE + 1) * 2:,} runs)\n"
            "  sobol:  samples x (D+2) x replicates runs   "
            f"(--samples 64: 64 x {SPEC_FREE + 2} x 2 = {64 * (SPEC_FREE + 2) * 2:,})\n"
            "and prints that count before it starts. One run of 10,000 firms to 2030-12 takes\n"
            "a fraction of a second to a second per core: the defaults take minutes on 2 cores;\n"
            "--firms 2000, --replicates 1 or a few --parameters make a quick first look.\n"
            "\n"
            "Writes into --out: indices.csv (output, parameter, index, value, conf), one figure\n"
            "per output (<output>.png and .svg: the sorted indices and, for morris, mu* against\n"
            "sigma), outputs.csv, sample.csv, runs/ and manifest.json; prints the top 5\n"
            "parameters per output. Interrupted, the same command resumes: only the missing\n"
            "runs are run."
        ),
        examples=(
            "examples:\n"
            "  aiadopt sensitivity --samples 4 --replicates 1 --firms 2000 --out sens/\n"
            f"        a first look: 4 x {SPEC_FREE + 1} x 1 = {4 * (SPEC_FREE + 1)} runs of 2,000 "
            "firms, well under a minute\n"
            "  aiadopt sensitivity --method morris --samples 10 --out sens/   "
            f"{10 * (SPEC_FREE + 1) * 2:,} runs\n"
            "  aiadopt sensitivity --method sobol --samples 64 --workers 2 --out sobol/\n"
            "  aiadopt sensitivity --parameters bass_p,bass_q,skills_mean --out sub/\n"
            "        D = 3: 10 x 4 x 2 = 80 runs"
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
        "vectors; D: the parameters varied; each vector is run --replicates times "
        "(default 10)",
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
