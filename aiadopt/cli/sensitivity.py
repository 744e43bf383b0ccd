"""``aiadopt sensitivity``: which parameters move the outputs, over their priors (Morris or
Sobol', with SALib)."""

from __future__ import annotations

import argparse

from . import common

NAME = "sensitivity"
PRIOR_SCALARS = 235
"""The uncertain scalar parameters of the packaged priors (D by default; a test checks it)."""
_D = PRIOR_SCALARS


def add_parser(sub) -> None:
    """Add the ``sensitivity`` command and its options to ``sub`` (argparse subparsers)."""
    sensitivity = common.add_command(
        sub,
        NAME,
        help="which parameters move the outputs, over their priors (see 'aiadopt sensitivity -h')",
        description=(
            "Global sensitivity analysis with SALib over EVERY uncertain parameter with a prior\n"
            "(aiadopt/calibration/priors.toml; the levers' effects included; share vectors left\n"
            "out). Each parameter ranges over the central 90% of its prior (--ranges prior, the\n"
            "default) or the 5-95% quantiles of a posterior sample (--ranges posterior: the\n"
            "shipped posterior.csv or --posterior FILE), sampled in probability (a log-normal\n"
            "prior on the log scale). Every vector is run with --replicates seeds (the same for\n"
            "every vector: common random numbers; outputs averaged), and Morris (mu_star, sigma)\n"
            "or Sobol' (ST, S1) indices are computed with 95% intervals on: the share at scale\n"
            "at 2027-12 and at the last month, realised productivity (all firms) at the last\n"
            "month, and the Technique - Business gap of 'deployed' at 2025-03.\n"
            "\n"
            "Cost. D is the number of parameters varied: --parameters, or every uncertain scalar\n"
            f"prior ({_D} in the packaged priors). The command makes\n"
            "  morris: samples x (D+1) x replicates runs   "
            f"(defaults: 10 x {_D + 1} x 1 = {10 * (_D + 1):,} runs)\n"
            "  sobol:  samples x (D+2) x replicates runs   "
            f"(--samples 64: 64 x {_D + 2} x 1 = {64 * (_D + 2):,})\n"
            "and prints that count before it starts. The defaults (3,000 firms to 2030-12) take\n"
            "about 2-3 minutes on 2 cores; --samples 4, or a few --parameters, make a quicker\n"
            "look; more --samples or --firms a steadier one.\n"
            "\n"
            "Writes into --out: indices.csv (output, parameter, index, value, conf), ranges.csv\n"
            "(each parameter's low and high), one figure per output (<output>.png and .svg: the\n"
            "largest indices and, for morris, mu* against sigma), outputs.csv, sample.csv\n"
            "(parameter units), runs/ and manifest.json; prints the top 5 parameters per\n"
            "output. Interrupted, the same command resumes: only the missing runs are run."
        ),
        examples=(
            "examples:\n"
            "  aiadopt sensitivity --samples 4 --out sens/\n"
            f"        a first look: 4 x {_D + 1} = {4 * (_D + 1):,} runs of 3,000 firms\n"
            "  aiadopt sensitivity --samples 20 --firms 10000 --out sens/   "
            f"{20 * (_D + 1):,} runs\n"
            "  aiadopt sensitivity --ranges posterior --out post/   over the posterior\n"
            "  aiadopt sensitivity --parameters bass_p,bass_q,training_effect --out sub/\n"
            "        D = 3: 10 x 4 = 40 runs"
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
        default=1,
        metavar="R",
        help="seeds per vector (1: common random numbers already keep the noise out of the "
        "elementary effects)",
    )
    common.add_workers(sensitivity)
    sensitivity.add_argument(
        "--seed", type=common.seed, default=42, help="root seed of the sample and replicates (42)"
    )
    sensitivity.add_argument(
        "--firms",
        type=common.positive_int,
        default=3_000,
        metavar="N",
        help="number of firms per run (3000)",
    )
    common.add_until(sensitivity)
    sensitivity.add_argument(
        "--parameters",
        metavar="LIST",
        help="comma-separated parameters to vary (default: every uncertain scalar prior)",
    )
    sensitivity.add_argument(
        "--priors", metavar="PRIORS.toml", help="priors file (default: the packaged one)"
    )
    sensitivity.add_argument(
        "--ranges",
        choices=("prior", "posterior"),
        default="prior",
        help="each parameter over the central 90%% of its prior (default) or the 5-95%% "
        "quantiles of a posterior sample",
    )
    sensitivity.add_argument(
        "--posterior",
        metavar="FILE.csv",
        help="posterior sample for --ranges posterior (default: the shipped posterior.csv)",
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
                priors=args.priors,
                ranges=args.ranges,
                posterior=args.posterior,
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
