"""``aiadopt portfolio``: the mixes of levers on the Pareto front of a robust outcome against
effort (see :mod:`aiadopt.experiments.portfolio`)."""

from __future__ import annotations

import argparse

from . import common

NAME = "portfolio"


def add_parser(sub) -> None:
    """Add the ``portfolio`` command and its options to ``sub`` (argparse subparsers)."""
    portfolio = common.add_command(
        sub,
        NAME,
        help="the Pareto front of lever mixes, robust outcome against effort",
        description=(
            "Read a portfolio file (TOML: the levers that may be mixed and their cost per\n"
            "treated firm, the share levels, the outcome and its month, the quantile over the\n"
            "posterior draws to maximise, an optional budget; see the README or\n"
            "aiadopt.experiments.portfolio). For budgets up to the budget, it finds the mix of\n"
            "levels that maximises the quantile of the outcome over the same draws (common\n"
            "random numbers) within the budget: every mix is evaluated when the mixes within the\n"
            "budget are few (at most what the search would evaluate), else scipy's differential\n"
            "evolution searches them. Prints the mixes no other beats on both effort and\n"
            "outcome, writes front.csv, evaluated.csv, portfolio.json (the question the front\n"
            "answers) and front.png."
        ),
        examples=(
            "examples:\n"
            "  aiadopt portfolio portfolio.toml --out port/\n"
            "  aiadopt portfolio portfolio.toml --param-set posterior.csv --workers 2"
        ),
    )
    portfolio.add_argument("file", metavar="PORTFOLIO", help="the portfolio file (TOML)")
    portfolio.add_argument(
        "--param-set",
        default="shipped",
        metavar="SET",
        help="'shipped' (the posterior sample if shipped, else the shipped point), 'none', "
        "or a posterior.csv (one draw per run)",
    )
    portfolio.add_argument(
        "--maxiter",
        type=common.positive_int,
        default=30,
        metavar="N",
        help="generations of the differential evolution per budget (default 30); a budget "
        "whose mixes number at most 8 x levers x (N + 1) has them all evaluated instead",
    )
    common.add_workers(portfolio)
    common.add_scheduler(portfolio)
    common.add_out(portfolio, NAME)
    portfolio.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run ``aiadopt portfolio`` with the parsed ``args``; returns the exit code."""
    from ..experiments import ExecutorError, ExperimentError
    from ..experiments.portfolio import load_portfolio, run_portfolio
    from ..model import ParameterError
    from ..views.discovery import save_front_figure

    out = args.out or common.default_out(NAME)
    with common.exit_codes((ParameterError, ExperimentError, ExecutorError)) as outcome:
        portfolio = load_portfolio(args.file)
        result = run_portfolio(
            portfolio,
            parameter_set=args.param_set,
            workers=args.workers,
            scheduler=args.scheduler,
            out=out,
            maxiter=args.maxiter,
        )
        result.paths["figure"] = save_front_figure(result, out)
    if outcome.code:
        return outcome.code
    print(result.format_front())
    print(f"Wrote to {out}/: " + ", ".join(p.name for p in result.paths.values()))
    return 0
