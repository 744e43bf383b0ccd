"""The ``aiadopt`` command line: parse the arguments, then run one command.

One module per command, each with ``add_parser(sub)`` (its options and help) and ``handle(args)``
(what it does; it imports the layers it calls only then, so that ``aiadopt --help`` and
``aiadopt COMMAND --help`` start without numpy, pandas, mesa, numba, scipy or matplotlib):

- :mod:`~aiadopt.cli.run`: run the model with the shipped parameters and write its outputs;
- :mod:`~aiadopt.cli.params`: list every parameter, or write them to a TOML file to edit;
- :mod:`~aiadopt.cli.calibrate`: fit the model to the study, write the default spec, or report
  a fit;
- :mod:`~aiadopt.cli.experiment`: scenarios x replicates on local processes or a Dask cluster,
  resumably, with tidy results and a summary;
- :mod:`~aiadopt.cli.discover`: scenario discovery (PRIM boxes and feature scores over levers
  and posterior draws sampled together);
- :mod:`~aiadopt.cli.portfolio`: the Pareto front of lever mixes, robust outcome against effort;
- :mod:`~aiadopt.cli.sensitivity`: global sensitivity analysis (Morris or Sobol', SALib);
- :mod:`~aiadopt.cli.plot`: the figures of a run's or an experiment's folder (PNG and SVG);
- :mod:`~aiadopt.cli.report`: one self-contained HTML report;
- :mod:`~aiadopt.cli.dashboard`: the interactive dashboard (a web page on 127.0.0.1).

:mod:`~aiadopt.cli.common` holds what they share: argument types, options, and the one rule of
the default output folders (:data:`~aiadopt.cli.common.OUT_RULE`).

Exit codes: 0 success, 1 an output could not be written (or the dashboard's optional
dependencies are missing, or some runs of an experiment failed), 2 bad arguments or parameters
(or the dashboard's port is taken), 130 interrupted (an experiment keeps its finished runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from ..files import __version__
from . import (
    calibrate,
    common,
    dashboard,
    discover,
    experiment,
    params,
    plot,
    portfolio,
    report,
    run,
    sensitivity,
)

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = (
    run,
    params,
    dashboard,
    experiment,
    discover,
    portfolio,
    sensitivity,
    plot,
    report,
    calibrate,
)
"""The command modules, in the order of ``aiadopt --help``."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``aiadopt`` and its commands."""
    parser = argparse.ArgumentParser(
        prog=common.PROG,
        formatter_class=common.Formatter,
        description=(
            "Agent-based simulation of generative-AI adoption by French firms of 100+ employees,\n"
            "calibrated on a March 2025 survey of 231 decision-makers. Each firm has a Direction,\n"
            "a Technique and a Business agent and moves through the stages not engaged, planned,\n"
            "experimenting, deployed and scaled, one step per month from November 2022."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt run                      run the shipped fit, write ./aiadopt-out/run/\n"
            "  aiadopt run --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt params --write my.toml   write the parameters to a file to edit\n"
            "  aiadopt run --params my.toml     run with the edited parameters\n"
            "  aiadopt dashboard                interactive dashboard on http://127.0.0.1:8765/\n"
            "  aiadopt experiment --replicates 20 --out exp/   the built-in scenarios, compared\n"
            "  aiadopt plot exp/ --fit          figures of the experiment into exp/plot/\n"
            "  aiadopt report exp/              one HTML file into exp/report/\n"
            "  aiadopt sensitivity --samples 4 --replicates 1 --firms 2000 --out sens/\n"
            "  aiadopt discover --runs 1000 --threshold 0.4 --out disc/   when is 40% at scale?\n"
            "  aiadopt portfolio portfolio.toml --out port/   the front of lever mixes\n"
            "  aiadopt calibrate --out fit/     fit the model to the study (resumable)\n"
            "\n"
            f"{common.OUT_RULE}\n"
            "\n"
            "Use 'aiadopt COMMAND --help' for the options of a command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aiadopt`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        common.error("interrupted")
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which has exited
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141
    except Exception as exc:  # a bug: one line, not a traceback (AIADOPT_DEBUG=1 shows it)
        if os.environ.get("AIADOPT_DEBUG"):
            raise
        common.error(
            f"unexpected {type(exc).__name__}: {exc} (a bug in aiadopt {__version__}: please "
            "report it with the command; AIADOPT_DEBUG=1 shows the traceback)"
        )
        return 1
