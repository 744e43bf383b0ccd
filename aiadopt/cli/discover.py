"""``aiadopt discover``: scenario discovery, levers and posterior draws sampled together, PRIM
boxes and feature scores (see :mod:`aiadopt.experiments.discovery`)."""

from __future__ import annotations

import argparse

from . import common

NAME = "discover"
OUTCOME_NAMES = ("share_scaled", "share_in_place", "productivity_realised")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], got {text!r}")
    return value


def _threshold(text: str) -> float | None:
    """A number, or ``median`` (None: the outcome's median over the runs)."""
    if text.strip().lower() == "median":
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'median', got {text!r}") from None


def add_parser(sub) -> None:
    """Add the ``discover`` command and its options to ``sub`` (argparse subparsers)."""
    discover = common.add_command(
        sub,
        NAME,
        help="scenario discovery: when does an outcome exceed a threshold? (PRIM)",
        description=(
            "Sample the levers and the uncertain parameters together: each intervention kind's\n"
            "share of treated firms on a Latin hypercube over [0, 1] from --start (and, with\n"
            "--reductions, the obstacle reducers' reduction), and one posterior draw per run\n"
            "(the shipped posterior sample, or --param-set). Each run stops at --month. Then\n"
            "PRIM (EMA Workbench) finds the box of inputs where the outcome at --month exceeds\n"
            "--threshold, with its coverage (share of the runs above the threshold that are in\n"
            "the box) and density (share of the box's runs above it), and each limit's\n"
            "quasi-p-value (a restriction with no limit below 0.05 may be noise), and extra\n"
            "trees score every input.\n"
            "\n"
            "Writes into --out: runs/ (one file per run, written atomically: the same command\n"
            "resumes), outcomes.csv (one row per run: levers, parameters, outcomes),\n"
            "prim_trajectory.csv, prim_box.csv, feature_scores.csv and figures/*.png; the\n"
            "question asked (outcome, threshold, month, --min-coverage) goes into manifest.json."
        ),
        examples=(
            "examples:\n"
            "  aiadopt discover --runs 1000 --threshold 0.4 --month 2028-12 --out disc/\n"
            "  aiadopt discover --runs 200 --firms 2000 --outcome productivity_realised \\\n"
            "      --threshold 3 --out disc-prod/\n"
            "  aiadopt discover --out disc/ --threshold 0.5   the same runs, another question"
        ),
    )
    discover.add_argument(
        "--runs", type=common.positive_int, default=1000, metavar="N", help="runs (default 1000)"
    )
    discover.add_argument(
        "--threshold",
        type=_threshold,
        default=0.4,
        help="the outcome's threshold, or 'median' (half of the runs above it; default 0.4: "
        "40%% of firms at scale)",
    )
    discover.add_argument(
        "--month",
        type=common.month,
        default="2028-12",
        metavar="YYYY-MM",
        help="the outcome's month; the runs stop there (default 2028-12)",
    )
    discover.add_argument(
        "--outcome",
        choices=OUTCOME_NAMES,
        default="share_scaled",
        help="the outcome (default share_scaled)",
    )
    discover.add_argument(
        "--start",
        type=common.month,
        default="2025-06",
        metavar="YYYY-MM",
        help="the levers' start month (default 2025-06)",
    )
    discover.add_argument(
        "--reductions",
        action="store_true",
        help="also sample the obstacle reducers' reduction in [0, 1] (default: fixed at 0.5)",
    )
    discover.add_argument(
        "--min-coverage",
        type=_share,
        default=0.5,
        metavar="C",
        help="the box reported is the densest covering at least C of the cases (default 0.5)",
    )
    discover.add_argument(
        "--min-density",
        type=_share,
        default=0.5,
        metavar="D",
        help="PRIM's last box must reach this density (default 0.5)",
    )
    discover.add_argument("--seed", type=common.seed, default=42, help="root seed (default 42)")
    common.add_firms(discover)
    common.add_workers(discover)
    common.add_scheduler(discover)
    discover.add_argument(
        "--param-set",
        default="shipped",
        metavar="SET",
        help="'shipped' (the posterior sample if shipped, else the shipped point), 'none', "
        "or a posterior.csv (one draw per run)",
    )
    common.add_out(discover, NAME, extra="; the same command resumes it")
    common.add_quiet(discover)
    discover.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt discover`` with the parsed ``args``; returns the exit code."""
    from ..experiments import ExecutorError, ExperimentError
    from ..experiments.discovery import execute_discovery
    from ..model import ParameterError
    from ..views.discovery import save_discovery_figures

    out = args.out or common.default_out(NAME)
    with common.exit_codes((ParameterError, ExperimentError, ExecutorError)) as outcome:
        result = execute_discovery(
            args.runs,
            args.threshold,
            args.month,
            outcome=args.outcome,
            seed=args.seed,
            firms=args.firms,
            start=args.start,
            reductions=args.reductions,
            parameter_set=args.param_set,
            min_coverage=args.min_coverage,
            min_density=args.min_density,
            out=out,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            echo=print,
        )
        result.paths.update(save_discovery_figures(result, result.out / "figures"))
    if outcome.code:
        return outcome.code
    print(result.format_report())
    print(f"({result.ran} runs ran, {result.resumed} resumed; {result.elapsed:.0f} s)")
    return 0
