"""The ``aiadopt`` command line: parse the arguments, call one function of :mod:`aiadopt.runs`.

Commands:

- ``aiadopt run``: run the model with the shipped parameters and write its outputs;
- ``aiadopt params``: list every parameter (default, range, unit, source), or write them to a
  TOML file to edit (``--write FILE``).

Exit codes: 0 success, 1 an output could not be written, 2 bad arguments or parameters.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys

from . import __version__
from .model import ParameterError

PROG = "aiadopt"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> str:
    """argparse type: a month ``YYYY-MM``."""
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {text!r}")
    return text


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keep the line breaks of descriptions and epilogs; help lines are kept short."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``aiadopt`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_Formatter,
        description=(
            "Agent-based simulation of generative-AI adoption by French firms of 100+ employees,\n"
            "calibrated on a March 2025 survey of 231 decision-makers. Each firm has a Direction,\n"
            "a Technique and a Business agent and moves through the stages not engaged, planned,\n"
            "experimenting, deployed and scaled, one step per month from November 2022."
        ),
        epilog=(
            "examples:\n"
            "  aiadopt run                      run the default population, write ./aiadopt-out/\n"
            "  aiadopt run --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt params --write my.toml   write the parameters to a file to edit\n"
            "  aiadopt run --params my.toml     run with the edited parameters\n"
            "\n"
            "Use 'aiadopt COMMAND --help' for the options of a command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True

    run = sub.add_parser(
        "run",
        formatter_class=_Formatter,
        help="run the model and write its outputs (see 'aiadopt run -h')",
        description=(
            "Run the model with the shipped parameters (the fitted calibration when the package\n"
            "ships one, else the built-in defaults) and write into --out: trajectories.parquet\n"
            "and trajectories.csv (tidy: date, metric, group, value), run.toml (parameters and\n"
            "metadata: seed, version, parameter hash) and stage_shares.png. Then print the stage\n"
            "shares at the survey month (2025-03) and at the last month."
        ),
        epilog=(
            "example:\n"
            "  aiadopt run --seed 7 --firms 2000 --until 2027-12 --out out/\n"
            "  aiadopt run --params out/run.toml --seed 7 --out again/   repeat that run"
        ),
    )
    run.add_argument(
        "--seed", type=_seed, default=42, help="seed of the run, an integer >= 0 (default 42)"
    )
    run.add_argument(
        "--firms",
        type=_positive_int,
        metavar="N",
        help="number of firms (overrides the parameter n_firms)",
    )
    run.add_argument(
        "--params",
        metavar="FILE.toml",
        help="parameter file (default: the shipped parameters)",
    )
    run.add_argument(
        "--until",
        type=_month,
        metavar="YYYY-MM",
        help="last month (default: horizon; a later one extends it)",
    )
    run.add_argument(
        "--out", metavar="DIR", default="aiadopt-out", help="output folder (default ./aiadopt-out)"
    )
    run.add_argument("--quiet", action="store_true", help="hide the progress bar")
    run.set_defaults(handler=_cmd_run)

    params = sub.add_parser(
        "params",
        formatter_class=_Formatter,
        help="list the parameters, or write them to a TOML file to edit",
        description=(
            "List every model parameter with its default, allowed range, unit and source (the\n"
            "survey figure it comes from, or 'assumption'). With --write, write the parameters\n"
            "that 'aiadopt run' uses to a commented TOML file you can edit and pass to\n"
            "'aiadopt run --params'."
        ),
        epilog=(
            "example:\n"
            "  aiadopt params --write my.toml && $EDITOR my.toml && aiadopt run --params my.toml"
        ),
    )
    params.add_argument(
        "--write", metavar="FILE.toml", help="write the parameters to FILE.toml to edit"
    )
    params.add_argument(
        "--force", action="store_true", help="with --write: overwrite FILE.toml if it exists"
    )
    params.set_defaults(handler=_cmd_params)
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _cmd_run(args: argparse.Namespace) -> int:
    from .runs import RunError, run_and_save

    overrides = {"n_firms": args.firms} if args.firms is not None else {}
    try:
        result = run_and_save(
            args.params,
            seed=args.seed,
            until=args.until,
            out_dir=args.out,
            progress=not args.quiet,
            echo=print,
            **overrides,
        )
    except (ParameterError, RunError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"could not write the outputs: {exc}")
        return 1
    print(result.summary())
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from .runs import format_parameters, write_params_file

    if args.write is None:
        if args.force:
            _error("--force only applies with --write FILE.toml")
            return 2
        print(format_parameters())
        return 0
    try:
        path, source = write_params_file(args.write, force=args.force)
    except ParameterError as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(str(exc))
        return 1
    print(f"Wrote {path}: {source}.")
    print(f"Edit it, then run: aiadopt run --params {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aiadopt`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which has exited
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
